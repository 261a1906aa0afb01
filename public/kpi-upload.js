// Progressive enhancement of the import progress page (/staff/kpi/imports/:id): polls the .json while the
// import runs and updates the <progress> bar and the counts; when it has finished, reloads the page so the
// result (or the list of errors) is shown. Without JavaScript the 「最新の状態を表示」 link does the same.
(() => {
  const box = document.querySelector('[data-import-poll]');
  if (!box) return;
  const url = box.getAttribute('data-import-poll');
  const bar = document.getElementById('import-progress');
  const state = document.getElementById('import-state');
  const count = document.getElementById('import-count');
  let delay = 500;
  async function poll() {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) return;
      const j = await res.json();
      if (bar && j.totalRows > 0) {
        bar.max = j.totalRows;
        bar.value = Math.min(j.processedRows, j.totalRows);
      }
      if (state && state.textContent !== j.stateText) state.textContent = j.stateText;
      if (count) count.textContent = j.progressText;
      box.setAttribute('data-state', j.state);
      if (j.finished) {
        window.location.reload();
        return;
      }
    } catch {
      // a network hiccup: try again
    }
    delay = Math.min(delay * 1.5, 5000);
    setTimeout(poll, delay);
  }
  setTimeout(poll, delay);
})();
