/** Files built to hurt a reader: hostile input for the state, config and price file readers. */

/** `levels` YAML anchors, each naming the one before twice: 2 aliases per level, 2^levels leaves. */
export function aliasBomb(levels: number, indent = ''): string {
  const lines = [`${indent}l0: &l0 {a: x, b: x}`];
  for (let i = 1; i < levels; i++) lines.push(`${indent}l${i}: &l${i} {a: *l${i - 1}, b: *l${i - 1}}`);
  return `${lines.join('\n')}\n`;
}
