// Sticks to the bottom of the window while a policy is edited: how many fields changed,
// Discard, and the one "Save changes". Sits inside the editor's <form>, so Save submits it.
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import styles from "./policies.module.css";

export interface PolicySaveBarProps {
  changes: number;
  pending: boolean;
  error: string | null;
  onDiscard: () => void;
}

export function PolicySaveBar({ changes, pending, error, onDiscard }: PolicySaveBarProps) {
  return (
    <div className={[styles.saveBar, changes > 0 ? styles.saveBarDirty : ""].filter(Boolean).join(" ")}>
      {error ? <Alert title="Nothing was saved">{error}</Alert> : null}
      <div className={styles.saveRow}>
        <p className={styles.saveSummary} aria-live="polite">
          {changes === 0 ? "No unsaved changes" : changes === 1 ? "1 field changed" : `${changes} fields changed`}
        </p>
        <div className={styles.saveActions}>
          <Button variant="ghost" onClick={onDiscard} disabled={changes === 0 || pending}>
            Discard changes
          </Button>
          <Button type="submit" variant="primary" loading={pending} disabled={changes === 0}>
            Save changes
          </Button>
        </div>
      </div>
    </div>
  );
}
