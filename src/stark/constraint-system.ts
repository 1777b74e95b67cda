/**
 * A table's complete constraint system, derived once from its AIR: the user's constraints, the LogUp
 * constraints of its interactions, their flat program, the maximum degree and the quotient's chunk count
 * (docs/stark.md "Quotient"). Prover, verifier and debug checker all read this, so they cannot disagree.
 */
import { MAX_CONSTRAINT_DEGREE, type Air, type Interaction } from './air.ts';
import { recordAir } from './builders/symbolic.ts';
import { encodeProgram, flatten, type Expr, type FlatProgram } from './expr.ts';
import { InputError } from './errors.ts';
import { auxExtWidth, lookupConstraints, packInteractions } from './lookup.ts';
import { blake3 } from '@noble/hashes/blake3.js';

export interface TableSystem {
  readonly name: string;
  readonly mainWidth: number;
  readonly prepWidth: number;
  readonly numPublicValues: number;
  readonly interactions: readonly Interaction[];
  /** Interaction indices per auxiliary extension column (the running sum is the column after these). */
  readonly groups: readonly number[][];
  /** LogUp repetitions R (the parameter set's): R blocks of groups.length + 1 aux columns, R claimed sums. */
  readonly lookupRepetitions: number;
  /** Auxiliary extension columns, R·(groups + 1) (0 without interactions); committed as 4 base columns each. */
  readonly auxWidth: number;
  /** User constraints first, then LogUp constraints; constraint k is weighted by α^k. */
  readonly constraints: readonly Expr[];
  readonly numUserConstraints: number;
  readonly program: FlatProgram;
  readonly maxDegree: number;
  /** log2 of D, the number of quotient chunks of degree < n. */
  readonly logQuotientChunks: number;
  /** BLAKE3 of the encoded program: what the verifying key binds. */
  readonly constraintDigest: Uint8Array;
}

/** BLAKE3 of the program's canonical encoding, u32 words in little-endian (the same bytes on any host). */
export function programDigest(program: FlatProgram): Uint8Array {
  const words = encodeProgram(program);
  const bytes = new Uint8Array(4 * words.length);
  const view = new DataView(bytes.buffer);
  words.forEach((x, i) => view.setUint32(4 * i, x, true));
  return blake3(bytes);
}

export function buildTableSystem(air: Air, lookupRepetitions: number): TableSystem {
  if (!Number.isInteger(lookupRepetitions) || lookupRepetitions < 1) {
    throw new InputError('invalid-parameters', `lookupRepetitions must be a positive integer, got ${lookupRepetitions}`);
  }
  const recorded = recordAir(air);
  const groups = packInteractions(air.name, recorded.interactions, MAX_CONSTRAINT_DEGREE);
  const constraints = [...recorded.constraints, ...lookupConstraints(recorded.interactions, groups, lookupRepetitions)];
  if (constraints.length === 0) throw new InputError('invalid-air', `${air.name}: the AIR states no constraints and no interactions`);
  const maxDegree = Math.max(...constraints.map((c) => c.degree));
  if (maxDegree > MAX_CONSTRAINT_DEGREE) {
    const k = constraints.findIndex((c) => c.degree === maxDegree);
    throw new InputError('constraint-degree-too-high', `${air.name}: constraint ${k} has degree ${maxDegree} > ${MAX_CONSTRAINT_DEGREE}`);
  }
  const program = flatten(constraints);
  // Q = C/Z_H has degree < (d − 1)·n, so D = 2^⌈log2(d − 1)⌉ chunks of degree < n hold it (d ≤ 2: one chunk).
  const logQuotientChunks = maxDegree <= 2 ? 0 : Math.ceil(Math.log2(maxDegree - 1));
  return {
    name: air.name,
    mainWidth: air.mainWidth,
    prepWidth: air.preprocessedWidth,
    numPublicValues: air.numPublicValues,
    interactions: recorded.interactions,
    groups,
    lookupRepetitions,
    auxWidth: auxExtWidth(recorded.interactions.length, groups, lookupRepetitions),
    constraints,
    numUserConstraints: recorded.constraints.length,
    program,
    maxDegree,
    logQuotientChunks,
    constraintDigest: programDigest(program),
  };
}
