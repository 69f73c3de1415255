import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniError, codeOf, combineErrors, settleAll, toCniError } from '../../../lib/cni/errors.ts';
import { ToolError } from '../../../lib/firewall/run.ts';
import { errnoError, wrapError } from '../../../lib/net/index.ts';

test('combineErrors: the first error leads, the others go to the details', () => {
  const e = combineErrors([new CniError(11, 'busy', 'retry later'), new Error('b'), new Error('c')]);
  assert.equal(e.toJSON(), { code: 11, msg: 'busy', details: 'retry later; b; c' });
  assert.is(combineErrors([new Error('only')]).message, 'only');
});

test('combineErrors: errors it combined before are taken apart, so no message is lost', () => {
  const inner = combineErrors([new Error('ipv4'), new Error('ipv6')]);
  const outer = combineErrors([new Error('link'), inner, new Error('nft')]);
  assert.equal(outer.toJSON(), { code: 999, msg: 'link', details: 'ipv4; ipv6; nft' });
  assert.is((outer.cause as AggregateError).errors.length, 4);
  assert.equal(combineErrors([inner]).toJSON(), inner.toJSON());
});

test('settleAll: waits for every job and throws the failures as one', async () => {
  let finished = false;
  const slow = new Promise<void>((resolve) => setTimeout(() => ((finished = true), resolve()), 5));
  try {
    await settleAll([Promise.reject(new Error('a')), slow, undefined, Promise.reject(new Error('b'))]);
    assert.unreachable();
  } catch (err) {
    assert.ok(finished);
    assert.equal((err as CniError).toJSON(), { code: 999, msg: 'a', details: 'b' });
  }
  await settleAll([Promise.resolve(1), undefined]);
});

const fsError = (code: string, syscall: string): Error => Object.assign(new Error(`${code}: x, ${syscall} '/x'`), { code, syscall, errno: -1 });
const tool = (file: string, exit: number | null, stderr: string): ToolError => new ToolError(file, `${file} failed (exit ${exit}): ${stderr}`, exit, stderr);

test('codeOf: the first error along the cause chain that says what went wrong gives the code', () => {
  const cases: [unknown, number][] = [
    [new Error('plain'), 999],
    ['a string', 999],
    [new Error('outer', { cause: new CniError(7, 'inner') }), 7],
    [new Error('a', { cause: new Error('b', { cause: new CniError(3, 'c') }) }), 3],
    [wrapError('failed to write sysctl x=1', fsError('ENOENT', 'open')), 5],
    [fsError('ENOSPC', 'write'), 5],
    [errnoError('failed to create bridge "b"', 5), 5],
    [errnoError('failed to lock', 11), 11],
    [errnoError('netlink', 110), 11],
    [errnoError('failed to delete link', 16), 11],
    [errnoError('failed to add address', 22), 999],
    [errnoError('failed to create bridge', 17), 999],
    [tool('iptables-restore', 1, 'iptables-restore: line 3 failed'), 100],
    [tool('/usr/sbin/ip6tables-save', 1, 'x'), 100],
    [tool('iptables-restore', 4, 'Another app is currently holding the xtables lock. Stopped waiting after 5s.'), 11],
    [tool('nft', 1, 'Error: Could not process rule: Device or resource busy'), 11],
    [tool('nft', 1, 'Error: syntax error, unexpected newline'), 101],
    [tool('nft', null, ''), 101],
    [new Error('unable to setup DNAT', { cause: tool('nft', 1, 'No such file or directory') }), 101],
  ];
  for (const [err, code] of cases) assert.is(codeOf(err), code, String(err));
});

test('toCniError: a CNI error passes through, anything else keeps its message and gets its code', () => {
  const cni = new CniError(7, 'bad');
  assert.is(toCniError(cni), cni);
  const e = toCniError(new Error('failed to set bridge addr: x', { cause: tool('iptables', 4, '') }));
  assert.equal([e.code, e.message], [11, 'failed to set bridge addr: x']);
  assert.equal([toCniError('x').code, toCniError('x').message], [999, 'x']);
});

test.run();
