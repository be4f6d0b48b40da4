/** Placeholder shell: the task panel (issue 4) replaces this. */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: '2rem' }}>
      <h1>podup</h1>
      <p>The task panel is not built yet. The server answers /healthz, /readyz and the webhook routes.</p>
    </main>
  );
}
