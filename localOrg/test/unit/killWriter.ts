// Child process for the kill test: writes forever, printing each acknowledged write.
import { openDatabase } from '../../data';

async function main(): Promise<void> {
  const db = await openDatabase({ dir: process.argv[2]!, compactBytes: 4096 });
  const org = db.org('00D000000000009EAA', { kind: 'lmo' });
  for (let i = 0; ; i++) {
    await org.create('Account', { Name: `A${i}` });
    process.stdout.write(`ack ${i}\n`);
  }
}
void main();
