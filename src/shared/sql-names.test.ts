import { describe, expect, it } from 'vitest';
import { parseTableName, quotePart, quoteTable } from './sql-names.js';

describe('SQL names', () => {
  it('back-quotes valid parts', () => {
    expect(quoteTable(parseTableName('workshop.skyloyalty_ops.gw_payload'))).toBe('`workshop`.`skyloyalty_ops`.`gw_payload`');
    expect(parseTableName('`main`.`a-b`.`t`')).toEqual({ catalog: 'main', schema: 'a-b', table: 't' });
  });

  it.each(['a.b', 'a.b.c.d', 'a.b.c; DROP TABLE x', 'a.b.`c`` --`', 'a.b.c d', "a.b.c'", 'a..c', '1a.b.c'])('refuses %s', (name) => {
    expect(() => parseTableName(name)).toThrow(/not a three-part table name/);
  });

  it('refuses a part with a back-quote or space', () => {
    expect(() => quotePart('a`b')).toThrow(/not a valid name/);
    expect(() => quotePart('a b')).toThrow(/not a valid name/);
  });
});
