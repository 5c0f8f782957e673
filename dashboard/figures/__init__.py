"""Pure figure builders: frames in, ``go.Figure`` out. No I/O, no Dash."""
