/**
 * Gesture marking on a screenshot: drag on the image to draw a box around each hand gesture,
 * pick its type, delete a mark. Boxes are kept in SCREENSHOT PIXELS (the PNG's natural size,
 * record.screenshot.width x height): the pointer position on the displayed image is scaled by
 * natural / displayed size (lib/workbench/geometry.ts). The overlay boxes are positioned in
 * percentages, so they follow the image at any display size. Used by the review form and the
 * evidence manager's record view.
 */
import type { TargetedPointerEvent } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { Lang } from '../lib/i18n/messages';
import { wx } from '../lib/i18n/workbench-messages';
import type { GestureType } from '../lib/record/schema';
import { GESTURE_LABELS } from '../lib/violations/regulations';
import { boxFromCorners, boxPercent, toNatural, type Point, type Size } from '../lib/workbench/geometry';
import type { GestureMark } from '../lib/workbench-protocol';

// Local copy (type-checked against the schema's union) so pages do not pull zod in.
export const GESTURE_TYPE_LIST: readonly GestureType[] = [
  'thumb_up', 'one_finger', 'two_fingers', 'three_fingers', 'four_fingers', 'v_sign',
  'finger_heart', 'finger_gun', 'phone', 'metal', 'ok', 'other',
];

export function gestureLabel(type: GestureType, lang: Lang): string {
  const l = GESTURE_LABELS[type];
  return lang === 'id' ? l.label_id : l.label_en;
}

export function GestureEditor(props: {
  src: string;
  /** the screenshot's natural size (record.screenshot.width / height) */
  natural: Size;
  gestures: GestureMark[];
  onChange(next: GestureMark[]): void;
  lang: Lang;
  readOnly?: boolean;
  /** id of the <img> (the review form's e2e tests use #screenshot) */
  imgId?: string;
  alt: string;
  maxHeight?: string;
}) {
  const { src, natural, gestures, onChange, lang, readOnly } = props;
  const img = useRef<HTMLImageElement>(null);
  const [start, setStart] = useState<Point | null>(null);
  const [current, setCurrent] = useState<Point | null>(null);

  const point = (e: PointerEvent): Point | null => {
    const el = img.current;
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return toNatural({ x: e.clientX - r.left, y: e.clientY - r.top }, { width: r.width, height: r.height }, natural);
  };

  const down = (e: TargetedPointerEvent<HTMLDivElement>) => {
    if (readOnly || e.button !== 0) return;
    const p = point(e);
    if (!p) return;
    e.preventDefault();
    try { e.currentTarget.setPointerCapture(e.pointerId); } catch { /* not capturable */ }
    setStart(p);
    setCurrent(p);
  };
  const move = (e: TargetedPointerEvent<HTMLDivElement>) => {
    if (!start) return;
    const p = point(e);
    if (p) setCurrent(p);
  };
  const up = (e: TargetedPointerEvent<HTMLDivElement>) => {
    if (!start) return;
    const p = point(e) ?? current;
    const box = p ? boxFromCorners(start, p, natural) : null;
    setStart(null);
    setCurrent(null);
    if (box) onChange([...gestures, { type: 'other', box }]);
  };
  const cancel = () => { setStart(null); setCurrent(null); };

  const draft = start && current ? boxFromCorners(start, current, natural, 1) : null;
  const setType = (i: number, type: GestureType) => onChange(gestures.map((g, k) => (k === i ? { ...g, type } : g)));
  const remove = (i: number) => onChange(gestures.filter((_, k) => k !== i));

  return (
    <div class="gesture-editor">
      <div class="gesture-canvas" data-readonly={String(!!readOnly)}
        style={{
          position: 'relative', display: 'inline-block', lineHeight: 0, maxWidth: '100%',
          border: '1px solid var(--line)', cursor: readOnly ? 'default' : 'crosshair', userSelect: 'none', touchAction: 'none',
        }}
        onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={cancel}>
        <img id={props.imgId} ref={img} src={src} alt={props.alt} draggable={false}
          style={{ display: 'block', maxWidth: '100%', maxHeight: props.maxHeight ?? '420px', width: 'auto', height: 'auto' }} />
        {gestures.map((g, i) => {
          const p = boxPercent(g.box, natural);
          return (
            <div key={i} class="gesture-box" data-index={i} data-type={g.type}
              style={{ position: 'absolute', ...p, border: '3px solid #e00', boxSizing: 'border-box', pointerEvents: 'none' }}>
              <span style={{
                position: 'absolute', top: 0, left: 0, background: '#e00', color: '#fff', fontSize: '11px',
                lineHeight: '14px', padding: '0 3px', whiteSpace: 'nowrap',
              }}>{i + 1}. {gestureLabel(g.type, lang)}</span>
            </div>
          );
        })}
        {draft && (
          <div class="gesture-draft" style={{
            position: 'absolute', ...boxPercent(draft, natural), border: '2px dashed #e00', boxSizing: 'border-box', pointerEvents: 'none',
          }} />
        )}
      </div>
      <p class="muted">{readOnly ? wx(lang, 'gestureReadOnly') : wx(lang, 'gestureHint')}</p>
      {gestures.length === 0 ? (
        <p class="muted" id="gesture-none">{wx(lang, 'gestureNone')}</p>
      ) : (
        <ol class="gesture-list" style={{ paddingLeft: '20px', margin: '4px 0' }}>
          {gestures.map((g, i) => (
            <li key={i} data-index={i} style={{ margin: '4px 0' }}>
              <span style={{ display: 'inline-flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' }}>
                <select class="gesture-type" data-index={i} aria-label={wx(lang, 'gestureType', { n: i + 1 })} value={g.type}
                  disabled={readOnly} style={{ width: 'auto' }}
                  onChange={(e) => setType(i, (e.target as HTMLSelectElement).value as GestureType)}>
                  {GESTURE_TYPE_LIST.map((t) => <option key={t} value={t}>{gestureLabel(t, lang)}</option>)}
                </select>
                {!readOnly && (
                  <button type="button" class="gesture-delete" data-index={i} onClick={() => remove(i)}>
                    {wx(lang, 'gestureDelete', { n: i + 1 })}
                  </button>
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
