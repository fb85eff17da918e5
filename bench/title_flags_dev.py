"""Title flags the rules raise on the dev sets, each listed: the 51 FA-KES clusters (each run as a folder,
as `eval_clusters.py` does) and the 210 VitaminC pairs (claim and evidence as two articles of one date).
Every one listed is a false flag unless the set says the title is wrong.

    python bench/title_flags_dev.py
"""

import json, tempfile, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from eval_clusters import write_cluster
from factcheck import pipeline
from factcheck.settings import Settings

EVAL = Path(__file__).resolve().parents[2] / 'shared' / 'eval'
flags = []
for line in open(EVAL / 'news_clusters_dev.jsonl'):
    c = json.loads(line)
    with tempfile.TemporaryDirectory() as tmp:
        write_cluster(c, Path(tmp))
        r = pipeline.run(Path(tmp), Settings(extractor='rules', progress='off', db_path=Path(tmp)/'d.sqlite'))
    flags += [(c['cluster_id'], f.severity, f.locations[0].quote, f.reason[:150]) for f in r.flags if f.kind == 'title']
print('FA-KES title flags:', len(flags))
for f in flags: print(' ', f)
rows = [json.loads(l) for l in open(EVAL / 'vitaminc_numeric_date_role.jsonl')]
n = 0
for row in rows:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp)/'claim.md').write_text('---\ndate: 2020-01-01\n---\n' + row['claim'])
        (Path(tmp)/'evidence.md').write_text('---\ndate: 2020-01-01\n---\n' + row['evidence'])
        r = pipeline.run(Path(tmp), Settings(extractor='rules', progress='off', db_path=Path(tmp)/'d.sqlite'))
    for f in r.flags:
        if f.kind == 'title':
            n += 1; print(' vitaminc', row['label'], row['phenomena'], f.locations[0].quote, '|', f.reason[:120])
print('VitaminC title flags:', n)
