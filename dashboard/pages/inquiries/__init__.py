"""询问督办 — inquiries to the responsible units: the room (layout, callbacks, figures) and the
letter (询问函) builder."""
