#!/usr/bin/env python3
"""Regenerates the hostile-input corpus (grids/ and data/). Deterministic; run from this folder."""
import gzip, io, json, os, random, struct, tarfile

random.seed(9)
os.makedirs("grids", exist_ok=True)
os.makedirs("data", exist_ok=True)

def w(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# --- data files -------------------------------------------------------------------------------------------------
def npy(descr, shape, payload, header_override=None):
    header = header_override or "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header = header.encode()
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload

rows, dim = 12, 4
xs = struct.pack("<%df" % (rows * dim), *[random.random() for _ in range(rows * dim)])
ys = struct.pack("<%dq" % rows, *[i % 2 for i in range(rows)])
w("data/good-x.npy", npy("<f4", "(%d, %d)" % (rows, dim), xs))
w("data/good-y.npy", npy("<i8", "(%d,)" % rows, ys))
w("data/npy-truncated.npy", npy("<f4", "(%d, %d)" % (rows, dim), xs)[:-37])
w("data/npy-bad-magic.npy", b"PK\x03\x04 this is a zip, not npy" + xs)
w("data/npy-header-garbage.npy", npy(None, None, xs, header_override="{'descr': <f4, shape: (((( }"))
w("data/npy-header-length-lies.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", 60000) + b"{'descr'")
w("data/npy-object-dtype.npy", npy("|O", "(%d, %d)" % (rows, dim), xs))
w("data/npy-huge-shape.npy", npy("<f4", "(99999999999999, 4)", xs))
w("data/npy-empty.npy", b"")

w("data/tsv-ragged.tsv", "sentence\tlabel\na fine film\t1\na dull film\n\t0\textra\n")
w("data/tsv-binary.tsv", bytes(random.getrandbits(8) for _ in range(512)))
w("data/tsv-empty.tsv", "")
w("data/tsv-header-only.tsv", "sentence\tlabel\n")
w("data/tsv-truncated.tsv", "sentence\tlabel\na fine film\t1\na dull film\t0\na good fi")
w("data/csv-unterminated-quote.csv", 'sentence,label\n"a fine film,1\na dull film,0\n')
w("data/good.tsv", "sentence\tlabel\na fine film\t1\na dull film\t0\nloved it\t1\nhated it\t0\n")

idx_images = struct.pack(">iiii", 0x00000803, 4, 3, 3) + bytes(range(36))
idx_labels = struct.pack(">ii", 0x00000801, 4) + bytes([0, 1, 0, 1])
w("data/good-images.idx", idx_images)
w("data/good-labels.idx", idx_labels)
w("data/idx-truncated-images.idx", idx_images[:30])
w("data/idx-bad-magic.idx", struct.pack(">iiii", 0x1F8B0800, 4, 3, 3) + bytes(range(36)))
w("data/idx-count-lies.idx", struct.pack(">iiii", 0x00000803, 2**31 - 1, 3, 3) + bytes(range(36)))
w("data/idx-short-labels.idx", idx_labels[:10])

def tar_gz(members):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)

good_tar = tar_gz([("train/cat/0001.png", b"\x89PNG\r\n\x1a\n" + bytes(200)), ("train/dog/0002.png", b"\x89PNG\r\n\x1a\n" + bytes(200))])
w("data/tar-truncated.tar.gz", good_tar[: len(good_tar) // 2])
w("data/tar-not-gzip.tar.gz", "just some text, not an archive\n")
w("data/tar-gzip-of-garbage.tar.gz", gzip.compress(bytes(random.getrandbits(8) for _ in range(2048)), mtime=0))
w("data/tar-traversal.tar.gz", tar_gz([("../../../../tmp/aftsweep-escape/cat/0001.png", b"\x89PNG\r\n\x1a\n" + bytes(64))]))
w("data/tar-not-images.tar.gz", tar_gz([("train/cat/0001.png", b"this is not a png at all")]))

w("data/not-onnx.onnx", "this is a text file named .onnx\n")
w("data/random.onnx", bytes(random.getrandbits(8) for _ in range(4096)))
w("data/empty.onnx", b"")

# --- grids -----------------------------------------------------------------------------------------------------
def text_grid(name, train="../data/good.tsv", test="../data/good.tsv", fmt="tsv", teachers=None, **extra):
    g = {
        "name": name,
        "dataset": {"name": "hostile", "kind": "text", "format": fmt, "train": train, "test": test, "text": ["sentence"], "label": "label"},
        "downstream": {"model": "text-transformer"},
        "teachers": teachers or {"noise": "noise:8"},
        "combos": [[next(iter((teachers or {"noise": 0}).keys()))]],
        "methods": {"stl": {}, "kd": {"lambdas": [1]}},
        "seeds": [0],
        "training": {"steps": 2, "batchSize": 2, "device": "cpu"},
    }
    g.update(extra)
    return g

def vectors_grid(name, x="../data/good-x.npy", y="../data/good-y.npy", tx=None, ty=None):
    return {
        "name": name,
        "dataset": {"name": "hostile", "kind": "vectors", "format": "npy", "train": {"x": x, "y": y}, "test": {"x": tx or x, "y": ty or y}},
        "downstream": {"model": "mlp"}, "teachers": {"noise": "noise:8"}, "combos": [["noise"]],
        "methods": {"stl": {}}, "seeds": [0], "training": {"steps": 2, "batchSize": 2, "device": "cpu"},
    }

def idx_grid(name, images="../data/good-images.idx", labels="../data/good-labels.idx"):
    return {
        "name": name,
        "dataset": {"name": "hostile", "kind": "image", "format": "idx", "train": {"images": images, "labels": labels}, "test": {"images": images, "labels": labels}},
        "downstream": {"model": "cnn-small"}, "teachers": {"noise": "noise:8"}, "combos": [["noise"]],
        "methods": {"stl": {}}, "seeds": [0], "training": {"steps": 2, "batchSize": 2, "device": "cpu"},
    }

def tar_grid(name, shard):
    return {
        "name": name,
        "dataset": {"name": "hostile", "kind": "image", "format": "image-tar", "train": [shard], "test": [shard]},
        "downstream": {"model": "cnn-small"}, "teachers": {"noise": "noise:8"}, "combos": [["noise"]],
        "methods": {"stl": {}}, "seeds": [0], "training": {"steps": 2, "batchSize": 2, "device": "cpu"},
    }

grids = {}
for f in ["npy-truncated", "npy-bad-magic", "npy-header-garbage", "npy-header-length-lies", "npy-object-dtype", "npy-huge-shape", "npy-empty"]:
    grids["data-" + f] = vectors_grid("hostile-" + f, x="../data/%s.npy" % f)
grids["data-npy-labels-are-floats"] = vectors_grid("hostile-npy-labels-floats", y="../data/good-x.npy")
for f in ["tsv-ragged", "tsv-binary", "tsv-empty", "tsv-header-only", "tsv-truncated"]:
    grids["data-" + f] = text_grid("hostile-" + f, train="../data/%s.tsv" % f)
grids["data-csv-unterminated-quote"] = text_grid("hostile-csv-quote", train="../data/csv-unterminated-quote.csv", test="../data/csv-unterminated-quote.csv", fmt="csv")
grids["data-idx-truncated-images"] = idx_grid("hostile-idx-trunc", images="../data/idx-truncated-images.idx")
grids["data-idx-bad-magic"] = idx_grid("hostile-idx-magic", images="../data/idx-bad-magic.idx")
grids["data-idx-count-lies"] = idx_grid("hostile-idx-count", images="../data/idx-count-lies.idx")
grids["data-idx-short-labels"] = idx_grid("hostile-idx-labels", labels="../data/idx-short-labels.idx")
for f in ["tar-truncated", "tar-not-gzip", "tar-gzip-of-garbage", "tar-traversal", "tar-not-images"]:
    grids["data-" + f] = tar_grid("hostile-" + f, "../data/%s.tar.gz" % f)
for f in ["not-onnx", "random", "empty"]:
    grids["onnx-" + f] = text_grid("hostile-onnx-" + f, teachers={"custom": "onnx-file:../data/%s.onnx?input=text&output=emb" % f})

# Adversarial grid documents (the parser's corpus in tests/Grids/bad has the basic ones; these push harder).
grids["grid-huge-lambda-array"] = text_grid("hostile-huge-array", methods={"stl": {}, "kd": {"lambdas": [i + 1 for i in range(120000)]}})
grids["grid-enormous-steps"] = text_grid("hostile-enormous-steps", training={"steps": 10**30, "batchSize": 2})
grids["grid-enormous-seed"] = text_grid("hostile-enormous-seed", seeds=[0, 99999999999999999999999])
grids["grid-path-traversal-name"] = text_grid("..%2F..%2Fetc")
grids["grid-slash-name"] = text_grid("sweeps/../../x")
grids["grid-absolute-name"] = text_grid("/etc/passwd")
grids["grid-control-char-name"] = text_grid("evil\u0000name")
grids["grid-blob-breaking-dataset-name"] = text_grid("ok")
grids["grid-blob-breaking-dataset-name"]["dataset"]["name"] = "a?b#c"
grids["grid-long-name"] = text_grid("x" * 5000)
grids["grid-teacher-name-dotdot"] = text_grid("ok", teachers={"..": "noise:8"})
grids["grid-train-is-a-folder"] = text_grid("hostile-folder", train="../data")
grids["grid-train-is-dev-null"] = text_grid("hostile-devnull", train="/dev/null")
grids["grid-train-etc-passwd"] = text_grid("hostile-passwd", train="/etc/passwd")
grids["grid-features-traversal"] = text_grid("hostile-feat", teachers={"f": "features:../../../../../../etc"})
grids["grid-noise-enormous-dim"] = text_grid("hostile-noise", teachers={"noise": "noise:99999999999999999999"})

for name, g in grids.items():
    text = json.dumps(g)
    w("grids/%s.json" % name, text)

# Deep nesting far past the parser's depth limit, and literals JSON does not have.
w("grids/grid-deep-nesting.json", '{"name": "deep", "dataset": ' + "[" * 100000 + "]" * 100000 + "}")
w("grids/grid-infinity-literal.json", json.dumps(text_grid("inf")).replace('"steps": 2', '"steps": Infinity'))
w("grids/grid-nan-in-seeds.json", json.dumps(text_grid("nan")).replace('"seeds": [0]', '"seeds": [NaN]'))
w("grids/grid-bom-and-nul.json", b"\xef\xbb\xbf\x00\x00{}")
w("grids/grid-empty.json", b"")
