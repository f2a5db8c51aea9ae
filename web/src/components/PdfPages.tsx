import { Alert, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';

const MAX_PAGES = 30;

/** Renders a PDF's pages onto canvases with pdf.js, loaded on demand (it is the largest part of the app). */
export function PdfPages({ bytes, name, zoom = 1 }: { bytes: ArrayBuffer; name: string; zoom?: number }) {
  const container = useRef<HTMLDivElement>(null);
  // The pane's width before any page is drawn: zoomed pages widen the container itself.
  const fitWidth = useRef(0);
  const [state, setState] = useState<{ pages: number; shown: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | undefined;
    (async () => {
      const [pdfjs, worker] = await Promise.all([
        import('pdfjs-dist'),
        import('pdfjs-dist/build/pdf.worker.min.mjs?url'),
      ]);
      pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
      // pdf.js detaches the buffer it is given; keep ours for the next render of this run.
      const task = pdfjs.getDocument({ data: bytes.slice(0), isEvalSupported: false });
      destroy = () => void task.destroy();
      const doc = await task.promise;
      const el = container.current;
      if (cancelled || !el) return;
      if (!fitWidth.current) fitWidth.current = el.clientWidth || 600;
      el.replaceChildren();
      el.dataset.renderedZoom = '';
      const shown = Math.min(doc.numPages, MAX_PAGES);
      setState({ pages: doc.numPages, shown });
      const width = Math.floor(fitWidth.current * zoom) - 2;
      for (let n = 1; n <= shown && !cancelled; n++) {
        const page = await doc.getPage(n);
        const base = page.getViewport({ scale: 1 });
        const scale = width / base.width;
        const ratio = window.devicePixelRatio || 1;
        const viewport = page.getViewport({ scale: scale * ratio });
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = `${width}px`;
        canvas.style.flexShrink = '0';
        canvas.style.border = '1px solid var(--mantine-color-gray-3)';
        canvas.style.background = 'white';
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${name}, page ${n} of ${doc.numPages}`);
        el.appendChild(canvas);
        await page.render({ canvas, viewport }).promise;
      }
      el.dataset.renderedZoom = String(zoom);
    })().catch((err: unknown) => {
      if (!cancelled) setError(err instanceof Error ? err.message : String(err));
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [bytes, name, zoom]);

  return (
    <Stack gap="xs">
      {error && (
        <Alert color="red" title="This PDF could not be drawn" role="alert">
          {error}
        </Alert>
      )}
      {!state && !error && <Loader size="sm" aria-label="Drawing the PDF" />}
      <div ref={container} style={{ display: 'flex', flexDirection: 'column', gap: 8 }} />
      {state && state.pages > state.shown && (
        <Text size="sm" c="dimmed">
          Showing the first {state.shown} of {state.pages} pages.
        </Text>
      )}
    </Stack>
  );
}
