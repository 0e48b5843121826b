"""How a build runs: its output folder and journal (workdir), and the engines that map the
per-document work over the documents (local: one process or N workers; ray_engine: Ray Data)."""
