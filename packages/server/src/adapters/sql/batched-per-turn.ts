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
