// What the effective values will do that the admin may not intend. Never blocks a save: while
// editing it shows the advice for the values as typed, otherwise the API's for what is saved.
import type { PolicyAdvice } from "@/lib/policy/advice";
import styles from "./policies.module.css";

export function PolicyWarnings({ warnings, editing }: { warnings: PolicyAdvice[]; editing: boolean }) {
  return (
    <section className={styles.warnings} role="status" aria-label="Policy warnings">
      <h2 className={styles.sectionTitle}>
        {warnings.length === 0 ? "No warnings" : warnings.length === 1 ? "1 warning" : `${warnings.length} warnings`}
        <span className={styles.sectionNote}>{editing ? "for the values as edited, not saved yet" : "for the saved policy"}</span>
      </h2>
      {warnings.length > 0 ? (
        <ul className={styles.warningList} data-testid="policy-warnings">
          {warnings.map((warning) => (
            <li key={`${warning.code}:${warning.fields.join(",")}`}>{warning.message}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">These values work together as expected.</p>
      )}
    </section>
  );
}
