/** Numerically stable softmax of one row of logits, optionally temperature-scaled: softmax(logits / T). */
export function softmax(logits: ArrayLike<number>, temperature: number = 1): number[] {
  const scaled = Array.from(logits, (logit) => logit / temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((value) => Math.exp(value - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
