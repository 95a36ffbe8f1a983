/**
 * A whole number with its thousands grouped by commas ("50,000"), as `toLocaleString('en-US')` writes it, without
 * ICU: the first `toLocaleString` loads ICU's number-formatting data (12-17 ms), and the help text is built at load.
 */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return String(count);
  const sign = count < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(count)));
  return sign + digits.replace(/\B(?=(\d{3})+$)/g, ',');
}
