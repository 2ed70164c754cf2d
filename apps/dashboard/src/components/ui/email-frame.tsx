import clsx from 'clsx';
import { useLayoutEffect, useRef, useState } from 'react';

export type EmailWidth = 'desktop' | 'mobile';

/** Roughly what a desktop mail client gives a message; emails are designed for ~600 px. */
const WIDTHS: Record<EmailWidth, number> = { desktop: 680, mobile: 375 };

/**
 * Links open nowhere: the frame may not open windows, and a link that tried to replace the
 * frame's own page would show the dashboard's tracking pages inside the preview.
 */
function withBase(html: string): string {
  const base = '<base target="_blank">';
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head)
    return (
      html.slice(0, head.index + head[0].length) + base + html.slice(head.index + head[0].length)
    );
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  if (doctype) return doctype[0] + base + html.slice(doctype[0].length);
  return base + html;
}

interface EmailFrameProps {
  html: string;
  /** Accessible name of the frame, e.g. "Email preview". */
  title: string;
  width?: EmailWidth;
  /** Visible height in pixels. (Default: 640) */
  height?: number;
  className?: string;
}

/**
 * Rendered email HTML in a fully sandboxed frame (`sandbox=""`: no scripts, no forms, no
 * same-origin access), at a desktop or phone width. A desktop render wider than the space it
 * has is scaled down to fit, as a thumbnail of the real thing rather than a reflowed layout.
 */
export function EmailFrame({
  html,
  title,
  width = 'desktop',
  height = 640,
  className,
}: EmailFrameProps) {
  const box = useRef<HTMLDivElement>(null);
  const [available, setAvailable] = useState<number>(WIDTHS.desktop);

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setAvailable(entry.contentRect.width);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const natural = WIDTHS[width];
  // The phone gets a bezel and a little air around it.
  const bezel = width === 'mobile' ? 8 : 0;
  const margin = width === 'mobile' ? 8 : 0;
  const scale = Math.min(1, (available - 2 * bezel) / natural);
  const outerHeight = height - 2 * margin;
  const frameHeight = (outerHeight - 2 * bezel) / scale;
  return (
    <div
      ref={box}
      className={clsx('flex justify-center overflow-hidden', className)}
      style={{ height }}
    >
      <div
        className={clsx(
          'shrink-0 overflow-hidden bg-white',
          width === 'mobile' && 'rounded-[1.5rem] border-8 border-slate-800 shadow-md',
        )}
        style={{ width: natural * scale + 2 * bezel, height: outerHeight, marginTop: margin }}
      >
        <iframe
          title={title}
          sandbox=""
          srcDoc={withBase(html)}
          className="block origin-top-left border-0 bg-white"
          style={{
            width: natural,
            height: frameHeight,
            transform: scale < 1 ? `scale(${scale})` : undefined,
          }}
        />
      </div>
    </div>
  );
}
