import { isRefusedStatement } from './dialect';

/**
 * Calls made during one turn of the event loop, run together at its end (`setImmediate`): on
 * PostgreSQL a statement's cost is mostly its round trip, the backend it wakes and, for a write, its
 * commit, so the same statement for several callers at once costs little more than for one (ADR 0035).
 * `runAll` gets the inputs in call order and answers one settled result per input, in the same order;
 * each caller gets its own. If `runAll` itself throws, every caller of the batch gets that error.
 */
export function batchedPerTurn<I, O>(
  runAll: (inputs: readonly I[]) => Promise<readonly PromiseSettledResult<O>[]>,
): (input: I) => Promise<O> {
  interface Call {
    readonly input: I;
    readonly resolve: (output: O) => void;
    readonly reject: (error: unknown) => void;
  }
  let waiting: Call[] | undefined;
  const settle = async (calls: readonly Call[]) => {
    try {
      const results = await runAll(calls.map((call) => call.input));
      calls.forEach((call, i) => {
        const result = results[i];
        if (result === undefined) call.reject(new Error('the batch answered fewer results than it was given inputs'));
        else if (result.status === 'fulfilled') call.resolve(result.value);
        else call.reject(result.reason);
      });
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  };
  return (input) =>
    new Promise<O>((resolve, reject) => {
      if (waiting === undefined) {
        const calls: Call[] = [];
        waiting = calls;
        setImmediate(() => {
          waiting = undefined;
          void settle(calls);
        });
      }
      waiting.push({ input, resolve, reject });
    });
}

/**
 * `batchedPerTurn` kept per owner (a database handle): the calls on one owner are gathered together,
 * never with another's. Made on the owner's first call, forgotten with the owner.
 */
export function batchedPerTurnBy<K extends object, I, O>(
  runAll: (owner: K, inputs: readonly I[]) => Promise<readonly PromiseSettledResult<O>[]>,
): (owner: K, input: I) => Promise<O> {
  const byOwner = new WeakMap<K, (input: I) => Promise<O>>();
  return (owner, input) => {
    let call = byOwner.get(owner);
    if (call === undefined) {
      call = batchedPerTurn((inputs: readonly I[]) => runAll(owner, inputs));
      byOwner.set(owner, call);
    }
    return call(input);
  };
}

/**
 * Runs `one` for each input on its own, one after the other in call order: the fallback of a batch
 * whose shared statement failed, answering as if there had been no batch.
 */
export async function eachOnItsOwn<I, O>(inputs: readonly I[], one: (input: I) => Promise<O>): Promise<PromiseSettledResult<O>[]> {
  const results: PromiseSettledResult<O>[] = [];
  for (const input of inputs) {
    try {
      results.push({ status: 'fulfilled', value: await one(input) });
    } catch (reason) {
      results.push({ status: 'rejected', reason });
    }
  }
  return results;
}

/** How the calls of one batch share one statement: see `sharedOnce`. */
export interface SharedStatement<I, O> {
  /** What each call uses once: a presented token, a code. */
  readonly key: (input: I) => string;
  /** The call's own statement, as without the batch. */
  readonly alone: (input: I) => Promise<O>;
  /** One statement for calls of distinct keys; an answer for each key. */
  readonly together: (distinct: readonly I[]) => Promise<ReadonlyMap<string, O>>;
  /** What a later call with the same key is told, given the first one's answer (a second use after it). */
  readonly repeated: (first: O) => O;
}

/**
 * The calls of one batch answered by one shared statement, each as if it had run alone (ADR 0035).
 * One call runs alone. Of several, the first with each key goes into the statement and the later ones
 * with that key get `repeated` of its answer. When PostgreSQL refuses the shared statement (an SQLSTATE:
 * rolled back whole, nothing written; a deadlock, say), every call runs again alone, in order, so that
 * a refusal is its own caller's alone. A lost connection is every caller's error: the statement may
 * have committed, and a call run again could find its own token or code used.
 */
export async function sharedOnce<I, O>(inputs: readonly I[], statement: SharedStatement<I, O>): Promise<PromiseSettledResult<O>[]> {
  if (inputs.length === 1) return eachOnItsOwn(inputs, statement.alone);
  const firsts = new Map<string, I>();
  for (const input of inputs) if (!firsts.has(statement.key(input))) firsts.set(statement.key(input), input);
  let answers: ReadonlyMap<string, O>;
  try {
    answers = await statement.together([...firsts.values()]);
  } catch (error) {
    if (isRefusedStatement(error)) return eachOnItsOwn(inputs, statement.alone);
    throw error;
  }
  return inputs.map((input): PromiseSettledResult<O> => {
    const key = statement.key(input);
    const answer = answers.get(key);
    if (answer === undefined) return { status: 'rejected', reason: new Error('the shared statement gave no answer for a call') };
    return { status: 'fulfilled', value: firsts.get(key) === input ? answer : statement.repeated(answer) };
  });
}
