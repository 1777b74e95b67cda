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
  /** Auxiliary extension columns (0 without interactions); committed as 4 base columns each. */
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

export function buildTableSystem(air: Air): TableSystem {
  const recorded = recordAir(air);
  const groups = packInteractions(air.name, recorded.interactions, MAX_CONSTRAINT_DEGREE);
  const constraints = [...recorded.constraints, ...lookupConstraints(recorded.interactions, groups)];
  if (constraints.length === 0) throw new InputError('invalid-air', `${air.name}: the AIR states no constraints and no interactions`);
  const maxDegree = Math.max(...constraints.map((c) => c.degree));
  if (maxDegree > MAX_CONSTRAINT_DEGREE) {
    const k = constraints.findIndex((c) => c.degree === maxDegree);
    throw new InputError('constraint-degree-too-high', `${air.name}: constraint ${k} has degree ${maxDegree} > ${MAX_CONSTRAINT_DEGREE}`);
  }
  const program = flatten(constraints);
  // Q = C/Z_H has degree < (d − 1)·n, so D = 2^⌈log2(d − 1)⌉ chunks of degree < n hold it (d ≤ 2: one chunk).
  const logQuotientChunks = maxDegree <= 2 ? 0 : Math.ceil(Math.log2(maxDegree - 1));
  const bytes = encodeProgram(program);
  return {
    name: air.name,
    mainWidth: air.mainWidth,
    prepWidth: air.preprocessedWidth,
    numPublicValues: air.numPublicValues,
    interactions: recorded.interactions,
    groups,
    auxWidth: auxExtWidth(recorded.interactions.length, groups),
    constraints,
    numUserConstraints: recorded.constraints.length,
    program,
    maxDegree,
    logQuotientChunks,
    constraintDigest: blake3(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
  };
}
