"""The frozen app's entry point: the same `commonplace` command as the console script."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # chromadb / onnxruntime may spawn helpers
    from app.cli import main

    sys.exit(main())
