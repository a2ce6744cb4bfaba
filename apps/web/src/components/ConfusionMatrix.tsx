/** A confusion matrix as a heat map: rows are the true class, columns the predicted one; shade by row share. */
import styles from './Dashboard.module.css';

export function ConfusionMatrix({ labels, matrix }: { labels: readonly string[]; matrix: readonly (readonly number[])[] }) {
  return (
    <table className={styles.matrix} data-confusion={labels.join(',')}>
      <thead>
        <tr>
          <th className={styles.matrixAxis}>true ↓ / predicted →</th>
          {labels.map((label) => (
            <th key={label}>{label}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {labels.map((label, i) => {
          const row = matrix[i] ?? [];
          const total = row.reduce((sum, n) => sum + n, 0);
          return (
            <tr key={label}>
              <th>{label}</th>
              {labels.map((predicted, j) => {
                const n = row[j] ?? 0;
                const share = total > 0 ? n / total : 0;
                // Right answers in green, mistakes in red, stronger with their share of the row.
                const hue = i === j ? '34, 197, 94' : '239, 68, 68';
                const alpha = n === 0 ? 0.06 : 0.25 + 0.75 * share;
                return (
                  <td key={predicted} style={{ background: `rgba(${hue}, ${alpha})`, color: alpha > 0.5 ? '#04111c' : 'var(--text)' }} title={`${n} of ${total} (${(share * 100).toFixed(1)} %)`}>
                    {n}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
