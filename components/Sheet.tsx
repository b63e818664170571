// A sheet for secondary actions: a modal <dialog> (the browser traps focus, Escape closes it, the
// rest of the page is inert), shown as a bottom sheet on phones and a centred dialog on wide
// screens. Focus goes back to what opened it.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { Icon } from "./Icon.tsx";

export interface SheetProps {
  open: boolean;
  title: string;
  closeLabel: string;
  onClose: () => void;
  children: ComponentChildren;
  /** For tests and styles. */
  id?: string;
}

export function Sheet({ open, title, closeLabel, onClose, children, id }: SheetProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  // Whether the page still wants it open: a sheet closed because its owner moved on to another
  // sheet must not report a close (that would shut the next one) nor take the focus back.
  const wanted = useRef(open);
  wanted.current = open;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);
  const titleId = `${id ?? "sheet"}-title`;
  return (
    <dialog
      ref={ref}
      id={id}
      class="sheet"
      aria-labelledby={titleId}
      onClose={() => {
        if (wanted.current) onClose();
        if (!document.querySelector("dialog[open]")) (opener.current as HTMLElement | null)?.focus?.();
      }}
      // A click on the backdrop (the dialog itself, outside its content) closes it.
      onClick={(e) => e.target === ref.current && ref.current?.close()}
    >
      {open && (
        <>
          <div class="sheet-head">
            <h2 id={titleId}>{title}</h2>
            <button type="button" class="icon-button" aria-label={closeLabel} onClick={() => ref.current?.close()}>
              <Icon name="close" />
            </button>
          </div>
          <div class="sheet-body">{children}</div>
        </>
      )}
    </dialog>
  );
}
