"use client";
// Short-lived notices after an action ("User alice created."). The live regions exist before
// any message is put in them, which is what makes screen readers announce the message.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";

export type ToastTone = "success" | "danger";

interface ToastItem {
  id: number;
  tone: ToastTone;
  message: string;
}

type Notify = (message: string, tone?: ToastTone) => void;

const ToastContext = createContext<Notify>(() => undefined);

const TOAST_LIFETIME_MS = 6000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setItems((current) => current.filter((item) => item.id !== id)), []);

  const notify = useCallback<Notify>(
    (message, tone = "success") => {
      const id = nextId.current++;
      setItems((current) => [...current.slice(-3), { id, tone, message }]);
      window.setTimeout(() => dismiss(id), TOAST_LIFETIME_MS);
    },
    [dismiss],
  );

  const render = (tone: ToastTone) =>
    items
      .filter((item) => item.tone === tone)
      .map((item) => (
        <div key={item.id} className={`toast toast-${item.tone}`}>
          <span>{item.message}</span>
          <button type="button" className="toast-close" onClick={() => dismiss(item.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ));

  return (
    <ToastContext.Provider value={useMemo(() => notify, [notify])}>
      {children}
      <div className="toast-region">
        <div role="status" aria-live="polite">
          {render("success")}
        </div>
        <div role="alert">{render("danger")}</div>
      </div>
    </ToastContext.Provider>
  );
}

/** `const toast = useToast(); toast("Saved.")` or `toast(message, "danger")`. */
export const useToast = () => useContext(ToastContext);
