/**
 * A progress bar on stderr for long seeds. Hand-written (a dozen lines): the bench folder's only dependencies are
 * the peer's, and a bar needs nothing a library would add. On a terminal it redraws one line at most ten times a
 * second; otherwise (a log file, CI) it prints a line every 10 %.
 */
export function progressBar(label: string, total: number): { update(done: number): void; finish(): number } {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  let lastDecile = -1;
  const line = (done: number) => {
    const fraction = total ? done / total : 1;
    const elapsed = (Date.now() - started) / 1000;
    const eta = fraction > 0 ? elapsed / fraction - elapsed : NaN;
    const bar = '#'.repeat(Math.round(fraction * 30)).padEnd(30, '.');
    return `${label} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')}  ${elapsed.toFixed(0)} s${done < total ? `, ETA ${Number.isNaN(eta) ? '?' : eta.toFixed(0)} s` : ''}`;
  };
  return {
    update(done) {
      if (tty) {
        if (Date.now() - lastDraw < 100 && done < total) return;
        lastDraw = Date.now();
        process.stderr.write(`\r${line(done)}`);
        return;
      }
      const decile = Math.floor((done / total) * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      process.stderr.write(`${line(done)}\n`);
    },
    finish() {
      const seconds = (Date.now() - started) / 1000;
      if (tty) process.stderr.write('\n');
      return seconds;
    },
  };
}
