import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommandLine, UsageError } from './command-line';

describe('the command line', () => {
  test('nothing serves; each command is named', () => {
    assert.deepEqual(parseCommandLine([]), { name: 'serve' });
    assert.deepEqual(parseCommandLine(['migrate']), { name: 'migrate' });
    assert.deepEqual(parseCommandLine(['demo-reset']), { name: 'demo-reset' });
    assert.deepEqual(parseCommandLine(['rotate-keys']), { name: 'rotate-keys', compromised: false, dryRun: false });
    assert.deepEqual(parseCommandLine(['rotate-keys', '--compromised', '--dry-run']), {
      name: 'rotate-keys',
      compromised: true,
      dryRun: true,
    });
  });

  test('--help and -h print the help instead of acting, before or after a command', () => {
    for (const argv of [['--help'], ['-h'], ['rotate-keys', '--help'], ['migrate', '-h'], ['rotate-keys', '--compromised', '--help']]) {
      const command = parseCommandLine(argv);
      assert.equal(command.name, 'help', argv.join(' '));
      assert.match(command.name === 'help' ? command.text : '', /--dry-run/);
    }
  });

  test('a mistyped flag, a flag of another command, a stray argument or an unknown command is an error', () => {
    for (const argv of [
      ['rotate-keys', '--compromized'],
      ['migrate', '--compromised'],
      ['rotate-keys', 'now'],
      ['rotate-keys', '--dry-run=yes'],
      ['--port', '80'],
      ['rotate'],
    ]) {
      assert.throws(() => parseCommandLine(argv), UsageError, argv.join(' '));
    }
    assert.throws(() => parseCommandLine(['rotate-keys', '--compromized']), /--compromized/);
  });
});
