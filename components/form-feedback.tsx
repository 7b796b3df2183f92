/**
 * Feedback where the monitor's eye is: a toast (role=status for success, role=alert for a
 * problem) above the sticky save bar, and a modal dialog built on the native <dialog> (focus moves
 * into it and stays there, Escape closes it, the page behind is inert) instead of window.confirm,
 * which blocks the page and cannot be styled or translated.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface Feedback { ok: boolean; text: string }

export function Toast(props: { feedback: Feedback | null; dismissLabel: string; onDismiss(): void }) {
  const { feedback } = props;
  // a success fades away by itself; a problem stays until dismissed or the next save
  useEffect(() => {
    if (!feedback?.ok) return;
    const timer = setTimeout(props.onDismiss, 8000);
    return () => clearTimeout(timer);
  }, [feedback]);
  return (
    <div class="toast-region">
      {feedback && (
        <div id="toast" class={`toast ${feedback.ok ? 'ok' : 'error'}`} role={feedback.ok ? 'status' : 'alert'}>
          <span>{feedback.text}</span>
          <button type="button" class="toast-close" aria-label={props.dismissLabel} onClick={props.onDismiss}>×</button>
        </div>
      )}
    </div>
  );
}

/** A modal dialog: open while mounted. `onCancel` runs on Escape. */
export function Modal(props: {
  id: string;
  title: string;
  children: ComponentChildren;
  onCancel(): void;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.open && d.close();
  }, []);
  return (
    <dialog ref={ref} id={props.id} class={`modal${props.wide ? ' wide' : ''}`} aria-labelledby={`${props.id}-title`}
      onCancel={(e) => { e.preventDefault(); props.onCancel(); }}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}
