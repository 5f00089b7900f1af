import { openSqliteJournal } from '@lineup/journal';
import { asContactId, asCustomerId, asQueueId, asTenantId, queueSizeMax, type QueueId } from '@lineup/protocol';
import { EngineHost, type CommandInput } from '../src/index.ts';
import { pool } from './http.ts';
const dataDir = process.argv[2] as string;
const count = Number(process.argv[3]);
const tenantId = asTenantId('restart');
const opened = openSqliteJournal({ dataDir });
if (!opened.ok) throw new Error(opened.refusal.message);
const host = new EngineHost({ journal: opened.journal });
await host.createTenant(tenantId);
for (let q = 0; q < 10; q++) {
  const queueId: QueueId = asQueueId(`q${q}`);
  await host.submit(tenantId, { type: 'createQueue', queue: { id: queueId, name: `Queue ${q}`, channels: ['voice'], maxSize: queueSizeMax } });
}
await pool(count, 2000, async (index) => { const o = await host.submit(tenantId, { type: 'enqueueContact', contact: { id: asContactId(`w${index}`), queueId: asQueueId(`q${index % 10}`), channel: 'voice', customer: { id: asCustomerId(`r${index}`), type: 'normal' } } } as CommandInput); if (o.rejection) throw new Error(o.rejection.message); });
await host.close();
console.log('filled');
