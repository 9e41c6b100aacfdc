import { PublishForm } from './PublishForm';
import { RegisterForm } from './RegisterForm';

/** Publish and register side by side (stacked on narrow windows). */
export function SendView() {
  return (
    <section className="view view-pad send-grid" aria-label="Publish and register">
      <PublishForm />
      <RegisterForm />
    </section>
  );
}
