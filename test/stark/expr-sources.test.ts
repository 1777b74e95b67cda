import { describe, expect, it } from 'vitest';
import * as E from '../../src/stark/expr.ts';

describe('variable source indices', () => {
  it('SRC_* name the SOURCES entries the evaluators switch on', () => {
    expect([E.SRC_MAIN, E.SRC_PREP, E.SRC_AUX, E.SRC_PUBLIC, E.SRC_SELECTOR, E.SRC_CHALLENGE, E.SRC_CLAIMED_SUM].map((i) => E.SOURCES[i]))
      .toEqual(['main', 'prep', 'aux', 'public', 'selector', 'challenge', 'claimedSum']);
    expect(E.SOURCES.length).toBe(7);
  });
});
