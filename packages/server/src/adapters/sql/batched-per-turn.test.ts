import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { batchedPerTurn, batchedPerTurnBy, eachOnItsOwn } from './batched-per-turn';

describe('calls gathered per turn of the event loop (ADR 0035)', () => {
  test('calls of one turn reach runAll together, in call order, and each caller gets its own answer', async () => {
    const batches: number[][] = [];
    const double = batchedPerTurn(async (inputs: readonly number[]) => {
      batches.push([...inputs]);
      return inputs.map((input) => ({ status: 'fulfilled' as const, value: input * 2 }));
    });
    assert.deepEqual(await Promise.all([double(1), double(2), double(3)]), [2, 4, 6]);
    assert.deepEqual(await double(4), 8);
    assert.deepEqual(batches, [[1, 2, 3], [4]], 'a later turn is a batch of its own');
  });

  test('a rejected result rejects its own caller only; runAll throwing rejects every caller', async () => {
    const check = batchedPerTurn(async (inputs: readonly number[]) =>
      inputs.map(
        (input): PromiseSettledResult<number> =>
          input < 0 ? { status: 'rejected', reason: new RangeError(`${input}`) } : { status: 'fulfilled', value: input },
      ),
    );
    const results = await Promise.allSettled([check(1), check(-1), check(2)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const broken = batchedPerTurn(async (_inputs: readonly number[]): Promise<PromiseSettledResult<number>[]> => {
      throw new Error('connection lost');
    });
    const failed = await Promise.allSettled([broken(1), broken(2)]);
    assert.deepEqual(
      failed.map((r) => r.status === 'rejected' && (r.reason as Error).message),
      ['connection lost', 'connection lost'],
    );
    const short = batchedPerTurn(async (_inputs: readonly number[]) => [{ status: 'fulfilled' as const, value: 1 }]);
    await assert.rejects(Promise.all([short(1), short(2)]), /fewer results/);
  });

  test('calls on different owners (databases) are never gathered together', async () => {
    const batches: string[][] = [];
    const call = batchedPerTurnBy(async (owner: { name: string }, inputs: readonly number[]) => {
      batches.push(inputs.map((input) => `${owner.name}${input}`));
      return inputs.map((input) => ({ status: 'fulfilled' as const, value: input }));
    });
    const [a, b] = [{ name: 'a' }, { name: 'b' }];
    await Promise.all([call(a, 1), call(b, 2), call(a, 3)]);
    assert.deepEqual(batches.sort(), [['a1', 'a3'], ['b2']]);
  });

  test('each on its own runs one after the other, in order, and settles each', async () => {
    const order: number[] = [];
    let running = 0;
    const results = await eachOnItsOwn([3, 1, 2], async (input) => {
      running++;
      assert.equal(running, 1, 'one at a time');
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(input);
      running--;
      if (input === 1) throw new Error('one');
      return input;
    });
    assert.deepEqual(order, [3, 1, 2]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
  });
});
