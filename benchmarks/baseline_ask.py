"""The script a user would otherwise write: sentence-transformers + FAISS over a qa library."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import faiss
import numpy as np
from sentence_transformers import SentenceTransformer

from qa.index import packaged_model_path

folder, question = Path(sys.argv[1]), sys.argv[2]
model = SentenceTransformer(str(packaged_model_path()))
vector = model.encode([question], normalize_embeddings=True).astype(np.float32)
index = faiss.read_index(str(folder / "vectors.faiss"))
_, ids = index.search(vector, 1)
with sqlite3.connect(folder / "library.sqlite3") as db:
    row = db.execute(
        "SELECT a.text, p.start, p.end FROM passages p JOIN articles a "
        "ON a.id = p.article_id WHERE p.id = ?",
        (int(ids[0][0]),),
    ).fetchone()
print(row[0][row[1] : row[2]])
