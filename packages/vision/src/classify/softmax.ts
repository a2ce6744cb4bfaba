/** Numerically stable softmax of one row of logits, optionally temperature-scaled: softmax(logits / T). */
export function softmax(logits: ArrayLike<number>, temperature: number = 1): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! / temperature);
  const exps = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! / temperature - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
