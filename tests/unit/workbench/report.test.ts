import { describe, expect, it } from 'vitest';
import { reportToString } from '../../../lib/export/report';
import { GESTURE_LABELS } from '../../../lib/violations/regulations';
import { makeItem } from '../export/make-record';

const meta = { createdAt: '2024-09-14T01:00:00.000Z', createdBy: { name: 'Siti', nip: null, unit: null }, extensionVersion: '0.1.0' };

async function render(item: ReturnType<typeof makeItem>) {
  return reportToString({
    meta, records: [item.record],
    screenshots: (async function* () { yield { id: item.record.id, data: item.screenshot }; })(),
  });
}

describe('report.html: gesture boxes and the deadline', () => {
  it('overlays each gesture box on the screenshot in percentages, labelled, without any script', async () => {
    const item = makeItem(); // 4 x 3 px screenshot
    item.record.violation = {
      ...item.record.violation, types: ['gesture'],
      gestures: [
        { type: 'two_fingers', box: { x: 1, y: 1, width: 2, height: 1 } },
        { type: 'finger_heart', box: { x: 0, y: 0, width: 4, height: 3 } },
      ],
    };
    const html = await render(item);
    const boxes = [...html.matchAll(/<div class="box" style="([^"]*)"><span>([^<]*)<\/span><\/div>/g)];
    expect(boxes.map((b) => b[1])).toEqual([
      'left:25.000%;top:33.333%;width:50.000%;height:33.333%',
      'left:0.000%;top:0.000%;width:100.000%;height:100.000%',
    ]);
    expect(boxes.map((b) => b[2])).toEqual(['1. Dua jari', '2. Finger heart (saranghae)']);
    // the boxes sit inside the screenshot's positioned wrapper, right after the image
    expect(html).toMatch(/<div class="shot"><img [^>]*src="data:image\/png;base64,[A-Za-z0-9+/=]+">(<div class="box"[^]*?<\/div>){2}<\/div>/);
    expect(html).toContain('.shot{position:relative');
    expect(html).toContain('.box{position:absolute');
    expect(html).not.toMatch(/<script|javascript:|<[^>]*\son\w+=/i);
    expect(html).toContain('1. Dua jari (kotak x=1, y=1, 2 x 1 px)');
  });

  it('escapes gesture labels (the labels are data that can be edited)', async () => {
    const labels = GESTURE_LABELS as unknown as Record<string, { label_id: string; label_en: string }>;
    const saved = labels.other!;
    labels.other = { label_id: '<script>alert(1)</script>"', label_en: 'x' };
    try {
      const item = makeItem();
      item.record.violation = { ...item.record.violation, gestures: [{ type: 'other', box: { x: 0, y: 0, width: 1, height: 1 } }] };
      const html = await render(item);
      expect(html).not.toContain('<script>alert(1)');
      expect(html).toContain('1. &lt;script&gt;alert(1)&lt;/script&gt;&quot;');
    } finally {
      labels.other = saved;
    }
  });

  it('prints the deadline as the end of the 7th day after the capture day in the monitor zone', async () => {
    const item = makeItem({ capturedAt: '2024-09-13T16:30:00.000Z', timezone: 'Asia/Makassar' });
    const html = await render(item);
    // 14 Sep 00:30 WITA -> end of Saturday 21 Sep WITA
    expect(html.replace(/<[^>]+>/g, '')).toContain('Sabtu, 21 September 2024 pukul 23.59.59 WITA');
  });
});
