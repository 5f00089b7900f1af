import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatStaffText, parseIntervalsCsv, runStaffCommand, staffRows } from '@lineup/cli';
import type { StaffOutput } from '@lineup/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const target = { serviceLevel: 0.8, thresholdMs: 20_000 };

describe('staff', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'lineup-staff-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('[staff] reads an intervals file, CRLF or LF, patience optional per row', () => {
    const parsed = parseIntervalsCsv(
      'start,callsPerHour,handleSeconds,patienceSeconds\r\n08:00,200,180,\r\n08:15,300,180,120\r\n\r\n',
      'day.csv',
    );
    expect(parsed).toEqual({
      ok: true,
      loads: [
        { label: '08:00', load: { arrivalsPerHour: 200, handleMsMean: 180_000 } },
        {
          label: '08:15',
          load: { arrivalsPerHour: 300, handleMsMean: 180_000, patienceMsMean: 120_000 },
        },
      ],
    });
  });

  it('[staff] a bad intervals file names the line or the missing column', () => {
    expect(parseIntervalsCsv('start,callsPerHour\n08:00,1\n', 'a.csv')).toMatchObject({
      ok: false,
      message: expect.stringContaining('handleSeconds missing') as string,
    });
    expect(
      parseIntervalsCsv('start,callsPerHour,handleSeconds\n08:00,1,180\n08:15,x,180\n', 'a.csv'),
    ).toEqual({
      ok: false,
      message: 'a.csv, line 3: callsPerHour must be a number ≥ 0.',
    });
    expect(parseIntervalsCsv('start,callsPerHour,handleSeconds\n', 'a.csv')).toMatchObject({
      ok: false,
    });
  });

  it('[staff] Erlang A rows report abandonment and need no more agents than Erlang C', () => {
    const [erlangC, erlangA] = staffRows(
      [
        { label: 'C', load: { arrivalsPerHour: 200, handleMsMean: 180_000 } },
        {
          label: 'A',
          load: { arrivalsPerHour: 200, handleMsMean: 180_000, patienceMsMean: 120_000 },
        },
      ],
      target,
    );
    expect(erlangC).toMatchObject({ formula: 'erlangC', agents: 14, abandonProbability: 0 });
    expect(erlangA?.formula).toBe('erlangA');
    expect(erlangA?.agents).toBeLessThanOrEqual(14);
    expect(erlangA?.abandonProbability).toBeGreaterThan(0);
  });

  it('[staff] a load no staffing can serve prints "none" and why', () => {
    const output: StaffOutput = {
      target,
      intervals: staffRows(
        [{ label: '09:00', load: { arrivalsPerHour: 200, handleMsMean: 180_000 } }],
        { ...target, agentsMax: 5 },
      ),
    };
    const text = formatStaffText(output);
    expect(text).toMatch(/^09:00\s+200\s+180 s\s+–\s+none/m);
    expect(text).toContain('09:00: No staffing up to 5 agents reaches the target');
  });

  it('[staff] --patience-seconds fills in the rows of a file that give none', async () => {
    const path = join(directory, 'day.csv');
    await writeFile(
      path,
      'start,callsPerHour,handleSeconds,patienceSeconds\n08:00,200,180,\n08:15,200,180,60\n',
    );
    const result = await runStaffCommand({
      intervalsPath: path,
      patienceSeconds: 300,
      thresholdSeconds: 20,
      target: 0.8,
      isJson: true,
    });
    if (!result.ok) throw new Error(result.message);
    const output = JSON.parse(result.stdout) as StaffOutput;
    expect(output.intervals.map((row) => row.patienceMsMean)).toEqual([300_000, 60_000]);
  });

  it('[staff] loads from options and from a file at once are a mistake', async () => {
    const result = await runStaffCommand({
      intervalsPath: 'day.csv',
      callsPerHour: 1,
      thresholdSeconds: 20,
      target: 0.8,
      isJson: false,
    });
    expect(result).toEqual({
      ok: false,
      message: 'give either --intervals or --calls-per-hour and --handle-seconds, not both.',
    });
  });
});
