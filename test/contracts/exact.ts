/**
 * The one mechanism of the contract check: `Mismatches<Built, Contract>` lists, as strings the compiler prints,
 * every path of a type the product builds (or the sandbox answers) that the contract type does not declare, or
 * whose value type the contract does not accept.
 *
 * Why not `satisfies` alone: TypeScript refuses excess properties only in a *fresh* object literal checked
 * against a declared type. A builder's result is no fresh literal once it is returned, spread or mapped, and a
 * value of type `{a; extra}` is assignable to `{a}`: an extra field in a builder would pass. So the check walks
 * the builder's *inferred return type* instead, key by key (arrays by element, unions member by member): a key the
 * contract lacks is reported by its path, and a leaf whose type is not assignable (a `string` where the SDK takes
 * an enum) too. Open records (`Record<string, unknown>`) cannot be checked key by key; `Mismatches` reports them,
 * so a builder must keep its exact type for the check to see it.
 *
 * Use: `export type Checks = [Conforms<Built, Contract>, …]`. `Conforms` is `true` when nothing mismatches and
 * `{ mismatches: "<path>: <problem>" }` otherwise, which fails its `extends true` constraint with that text.
 */

/** The literal keys of T, without string or number index signatures. */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

type Join<P extends string, K extends string> = P extends '' ? K : `${P}.${K}`;

type IsOpen<T> = string extends keyof T ? true : false;

/**
 * `Dir` says which way a leaf must fit: `send` (the product builds A and the API takes C: A must be assignable to
 * C) or `read` (the API answers C and the product reads it as A: C must be assignable to A). Either way every key
 * of A must be a key of C: a field the product sends is one the API knows, a field it reads is one the API has.
 * `Open` says whether index signatures are reported (`report`) or skipped (`skip`: fields a client sent, which
 * the sandbox checks at run time against field lists that are themselves checked against the SDK).
 */
type Walk<A, C, P extends string, Dir extends 'send' | 'read', Open extends 'report' | 'skip'> =
  | Objects<Extract<NonNullable<A>, object>, C, P, Dir, Open>
  | Scalars<Exclude<NonNullable<A>, object>, Exclude<NonNullable<C>, object>, P, Dir>;

/** Object and array members of A, one by one (the conditional distributes over a union). */
type Objects<A, C, P extends string, Dir extends 'send' | 'read', Open extends 'report' | 'skip'> = A extends readonly (infer AE)[]
  ? NonNullable<C> extends readonly (infer CE)[]
    ? Walk<AE, CE, `${P}[]`, Dir, Open>
    : `${P}: an array where the contract has no array`
  : A extends object
    ? Open extends 'report'
      ? IsOpen<A> extends true
        ? `${P}: an open record (Record<string, …>) the compiler cannot check field by field`
        : Fields<A, C, P, Dir, Open>
      : Fields<A, C, P, Dir, Open>
    : never;

/** The scalar members of A taken together, so `boolean` is compared whole and not as `true` and `false` apart. */
type Scalars<A, C, P extends string, Dir extends 'send' | 'read'> = [A] extends [never] ? never : Leaf<A, C, P, Dir>;

type Fields<A, C, P extends string, Dir extends 'send' | 'read', Open extends 'report' | 'skip'> = NonNullable<C> extends object
  ? {
      // A key that can only be undefined is never sent (JSON drops it): TypeScript adds such keys when it
      // normalises a union of object literals, so they are not fields of the builder's output.
      [K in KnownKeys<A> & string]: [NonNullable<A[K]>] extends [never]
        ? never
        : K extends keyof NonNullable<C>
          ? Walk<A[K], NonNullable<C>[K], Join<P, K>, Dir, Open>
          : `${Join<P, K>}: not a field of the contract type`;
    }[KnownKeys<A> & string]
  : `${P}: an object where the contract has a scalar`;

type Leaf<A, C, P extends string, Dir extends 'send' | 'read'> = Dir extends 'send'
  ? [A] extends [C]
    ? never
    : `${P}: ${A & (string | number | boolean)} is not a value the contract accepts`
  : [C] extends [A]
    ? never
    : `${P}: the contract answers values this type does not take`;

export type Mismatches<A, C> = Walk<A, C, '', 'send', 'report'>;
export type MismatchesIgnoringOpen<A, C> = Walk<A, C, '', 'send', 'skip'>;
export type ReadMismatches<A, C> = Walk<A, C, '', 'read', 'skip'>;

/** Forces the compiler to print the paths rather than the alias that computes them. */
type Evaluated<T> = T extends string ? T : never;

/** `true`, or the mismatches as a type the compiler prints in its error. */
export type Conforms<A, C> = [Mismatches<A, C>] extends [never] ? true : { mismatches: Evaluated<Mismatches<A, C>> };
export type ConformsIgnoringOpen<A, C> = [MismatchesIgnoringOpen<A, C>] extends [never] ? true : { mismatches: Evaluated<MismatchesIgnoringOpen<A, C>> };
/** For what the product reads from an answer: only fields the SDK's response type has, of types it answers. */
export type ReadsOnly<A, C> = [ReadMismatches<A, C>] extends [never] ? true : { mismatches: Evaluated<ReadMismatches<A, C>> };

/** Fails to compile unless T is `true`. */
export type Assert<T extends true> = T;

/** The names in a field list (a sandbox's run-time allow-list) that the contract type does not declare. */
export type UnknownNames<Names extends string, C> = Exclude<Names, keyof C>;
/** The fields of the contract type that a field list leaves out (the sandbox would refuse what Databricks takes). */
export type MissingNames<Names extends string, C> = Exclude<keyof C & string, Names>;
/** `true` when a field list names exactly the contract's fields, else what differs. */
export type SameNames<Names extends string, C, Except extends string = never> = [UnknownNames<Names, C> | Exclude<MissingNames<Names, C>, Except>] extends [never]
  ? true
  : { unknown_to_the_sdk: UnknownNames<Names, C>; missing_from_the_list: Exclude<MissingNames<Names, C>, Except> };
/** `true` when a value list (a sandbox's accepted enum values) holds exactly the SDK enum's values, else what differs. */
export type SameValues<Values extends string, E extends string> = [Exclude<Values, E> | Exclude<E, Values>] extends [never]
  ? true
  : { unknown_to_the_sdk: Exclude<Values, E>; missing_from_the_list: Exclude<E, Values> };
