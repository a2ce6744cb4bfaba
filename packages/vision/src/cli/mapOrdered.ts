/**
 * Runs `work` over `items` with at most `concurrency` in flight (decoding one image while another is in the
 * network), and hands results to `emit` in input order.
 */
export async function mapOrdered<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  emit: (result: R, index: number) => void | Promise<void>,
): Promise<void> {
  const done = new Map<number, R>();
  let next = 0;
  let emitted = 0;
  let emitting: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    while (done.has(emitted)) {
      const result = done.get(emitted) as R;
      done.delete(emitted);
      await emit(result, emitted);
      emitted++;
    }
  };
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      done.set(index, await work(items[index] as T, index));
      emitting = emitting.then(flush);
      await emitting;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  await emitting;
}
