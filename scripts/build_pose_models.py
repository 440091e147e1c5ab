"""Builds the Tasks backend's model bundles (posecheck_pose_{lite,full}.task) from Apache-2.0
weights that come from PyPI and this source tree, byte for byte the same on every machine.

    python scripts/build_pose_models.py [--into DIR] [--wheel mediapipe-0.10.21-....whl]

Where the weights come from (models/NOTICE says the same):
- the person detector (pose_detection.tflite) and the full landmark model
  (pose_landmark_full.tflite) are in the mediapipe 0.10.21 wheel, fetched with `pip download`
  (no install: any Python can fetch the cp312 manylinux wheel, and its model files are the same
  on every platform); the wheel and both files are checked against their sha256;
- the lite landmark model is not in any wheel (mediapipe downloaded it at run time), and its
  licence as a file here is not established, so the repository does not carry it: the build
  reads it from the data folder ($POSECHECK_DATA, else ../shared/data beside this tree),
  models/pose_landmark_lite.tflite, checked against its sha256. Where that folder has no such
  file only the full bundle is built, and lite is Google's pose_landmarker_lite.task put in
  the user's model folder (README, "Pose backends").

The Tasks API refuses the landmark models as they are ("it requires specifying
NormalizationOptions metadata"): the legacy graph fed them pixels scaled to 0..1, which Tasks
learns from TFLite metadata on the input tensor (mean 0, std 255). mediapipe's own metadata
writer imports a compiled helper that newer wheels lack, so this script writes the metadata
itself with the flatbuffers schema code (pure Python) that the same 0.10.21 wheel carries:
the result depends on neither the installed mediapipe nor the Python running it. The detector
already carries its metadata. Both go into an uncompressed zip with 4-byte aligned members,
every date fixed, so the build is reproducible: the sha256 of each bundle is recorded in
posecheck/pose/models.py (BUILT) and checked here and at every load.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import struct
import tempfile
import types
import zipfile
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # posecheck.pose.models, also when posecheck is not installed
from posecheck.pose import models  # noqa: E402

WHEEL = "mediapipe-0.10.21-cp312-cp312-manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "956eb1ebc275c629e61b085b2cab89c3a5b9e93bad1bb107348d98dafb5a4bb5"
PIP_DOWNLOAD = ["download", "--no-deps", "--only-binary", ":all:", "--python-version", "3.12",
                "--platform", "manylinux_2_28_x86_64", "mediapipe==0.10.21"]
# member of the wheel (or file of this tree) -> its sha256
DETECTOR = ("mediapipe/modules/pose_detection/pose_detection.tflite",
            "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c")
LANDMARKS = {
    "full": ("mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
             "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"),
    "lite": ("models/pose_landmark_lite.tflite",  # in the data folder (data_folder())
             "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"),
}


def data_folder() -> Path:
    """Where weights not carried by this repository are read from: $POSECHECK_DATA, as the
    tests take it, else ../shared/data beside this tree."""
    return Path(os.environ.get("POSECHECK_DATA") or REPO.parent / "shared" / "data")


def buildable() -> list[str]:
    """The bundles whose weights are on this machine: full always (from the wheel), lite where
    the data folder has its landmark model."""
    return [name for name, (where, _) in sorted(LANDMARKS.items())
            if where.startswith("mediapipe/") or (data_folder() / where).is_file()]
SCHEMA = "mediapipe/tasks/metadata/schema_py_generated.py"
METADATA_SCHEMA = "mediapipe/tasks/metadata/metadata_schema_py_generated.py"

# The names mediapipe's pose landmarker graph opens inside a .task bundle.
BUNDLE_DETECTOR = "pose_detector.tflite"
BUNDLE_LANDMARKS = "pose_landmarks_detector.tflite"
ZIP_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the earliest a zip can say: no build time
ALIGNMENT = 4  # mediapipe maps the members in place: their data must start 4-byte aligned


class BuildError(Exception):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked(data: bytes, want: str, what: str) -> bytes:
    if sha256(data) != want:
        raise BuildError(f"{what} is not the expected file (sha256 {sha256(data)}, expected {want}).")
    return data


def fetch_wheel(cache: Path) -> Path:
    """The mediapipe 0.10.21 wheel, from the cache folder or by `pip download` into it."""
    wheel = cache / WHEEL
    if wheel.is_file() and sha256(wheel.read_bytes()) == WHEEL_SHA256:
        return wheel
    cache.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([sys.executable, "-m", "pip", *PIP_DOWNLOAD, "-d", str(cache),
                             "--quiet", "--disable-pip-version-check"])
    if result.returncode != 0 or not wheel.is_file():
        raise BuildError(f"`pip download mediapipe==0.10.21` did not give {WHEEL} (see above).")
    return wheel


def load_module(name: str, source: bytes) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)
    return module


def with_image_metadata(model: bytes, schema, meta, name: str) -> bytes:
    """The landmark model with TFLite metadata saying its input is an RGB image scaled to
    0..1 (mean 0, std 255): what the legacy graph fed it and Tasks needs to be told."""
    import flatbuffers

    norm = meta.ProcessUnitT()
    norm.optionsType = meta.ProcessUnitOptions.NormalizationOptions
    norm.options = meta.NormalizationOptionsT()
    norm.options.mean = [0.0]
    norm.options.std = [255.0]
    image = meta.ContentT()
    image.contentPropertiesType = meta.ContentProperties.ImageProperties
    image.contentProperties = meta.ImagePropertiesT()
    image.contentProperties.colorSpace = meta.ColorSpaceType.RGB
    stats = meta.StatsT()
    stats.min, stats.max = [0.0], [1.0]
    tensor = meta.TensorMetadataT()
    tensor.name = "image"
    tensor.content = image
    tensor.processUnits = [norm]
    tensor.stats = stats
    subgraph = meta.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [tensor]
    metadata = meta.ModelMetadataT()
    metadata.name = name
    metadata.description = "BlazePose GHUM 3D landmark model (mediapipe), input metadata by posecheck"
    metadata.subgraphMetadata = [subgraph]
    metadata.minParserVersion = "1.0.0"  # uses nothing newer than the first metadata parser
    builder = flatbuffers.Builder(0)
    builder.Finish(metadata.Pack(builder), b"M001")
    metadata_bytes = bytes(builder.Output())

    tflite = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    if any(m.name in (b"TFLITE_METADATA", "TFLITE_METADATA") for m in tflite.metadata or []):
        raise BuildError(f"{name} already carries TFLite metadata: not the expected file.")
    buffer = schema.BufferT()
    buffer.data = list(metadata_bytes)
    tflite.buffers.append(buffer)
    entry = schema.MetadataT()
    entry.name = "TFLITE_METADATA"
    entry.buffer = len(tflite.buffers) - 1
    tflite.metadata = (tflite.metadata or []) + [entry]
    builder = flatbuffers.Builder(0)
    builder.Finish(tflite.Pack(builder), b"TFL3")
    return bytes(builder.Output())


def bundle(members: dict[str, bytes]) -> bytes:
    """An uncompressed zip of members, in the given order, each one's data 4-byte aligned,
    with no date, host or Python version in it: written field by field rather than by
    zipfile, whose defaults (version numbers, the host system) vary with Python and platform.
    The alignment padding is zeros before each local header, which zip readers skip (mediapipe's
    reader does not accept padding inside the header's extra field)."""
    out = bytearray()
    central = bytearray()
    for name, data in members.items():
        encoded = name.encode("ascii")
        out += b"\0" * ((-(len(out) + 30 + len(encoded))) % ALIGNMENT)
        offset = len(out)
        crc = zlib.crc32(data)
        # version 2.0, no flags, stored, 00:00 on 1980-01-01, sizes, no extra field
        fields = (20, 0, 0, 0, ZIP_DOS_DATE, crc, len(data), len(data), len(encoded), 0)
        out += struct.pack("<I5H3I2H", 0x04034B50, *fields) + encoded + data
        central += struct.pack("<I6H3I5HII", 0x02014B50, 0x0314,  # made by: Unix, 2.0
                               *fields, 0, 0, 0, 0o100644 << 16, offset) + encoded
    directory_offset = len(out)
    out += central
    out += struct.pack("<I4H2IH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                       directory_offset, 0)
    with zipfile.ZipFile(io.BytesIO(bytes(out))) as zf:  # a real zip, aligned as mediapipe needs
        if zf.testzip() is not None or zf.namelist() != list(members):
            raise BuildError("the bundle written is not a valid zip (a bug in this script).")
        for info in zf.infolist():
            if (info.header_offset + 30 + len(info.filename)) % ALIGNMENT:
                raise BuildError(f"{info.filename} is not aligned (a bug in this script).")
    return bytes(out)


def build(names: list[str], wheel: Path) -> dict[str, bytes]:
    """name -> the bundle's bytes."""
    checked(wheel.read_bytes(), WHEEL_SHA256, str(wheel))
    with zipfile.ZipFile(wheel) as zf:
        detector = checked(zf.read(DETECTOR[0]), DETECTOR[1], DETECTOR[0])
        schema = load_module("tflite_schema", zf.read(SCHEMA))
        meta = load_module("tflite_metadata_schema", zf.read(METADATA_SCHEMA))
        landmark_files = {n: zf.read(LANDMARKS[n][0]) for n in names
                          if LANDMARKS[n][0].startswith("mediapipe/")}
    bundles = {}
    for name in names:
        where, want = LANDMARKS[name]
        if name in landmark_files:
            raw = landmark_files[name]
        else:
            where = str(data_folder() / where)
            if not Path(where).is_file():
                raise BuildError(f"the {name} landmark model is not at {where} (set POSECHECK_DATA "
                                 "to the folder that has models/, or leave it out).")
            raw = Path(where).read_bytes()
        landmarks = with_image_metadata(checked(raw, want, where), schema, meta,
                                        f"pose_landmark_{name}")
        bundles[name] = bundle({BUNDLE_DETECTOR: detector, BUNDLE_LANDMARKS: landmarks})
    return bundles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--into", type=Path, default=models.built_model_dir(),
                        help="folder for the bundles (default: %(default)s)")
    parser.add_argument("--wheel", type=Path, help="the mediapipe 0.10.21 wheel, if already here")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                        / "posecheck",
                        help="where the downloaded wheel is kept (default: %(default)s)")
    parser.add_argument("--models", nargs="+", choices=sorted(models.BUILT), default=None,
                        help="default: every one whose weights are here (full; lite where the "
                             "data folder has them)")
    parser.add_argument("--print-sha256", action="store_true",
                        help="print what was built and do not compare it with BUILT")
    args = parser.parse_args(argv)
    try:
        names = args.models or buildable()
        for name in sorted(set(models.BUILT) - set(names)):
            print(f"build_pose_models: no {name} bundle: its weights are not in {data_folder()} "
                  f"(put Google's {models.official_file_name(name)} in {models.user_model_dir()} "
                  "to use it).", file=sys.stderr)
        wheel = args.wheel or fetch_wheel(args.cache)
        bundles = build(names, wheel)
        args.into.mkdir(parents=True, exist_ok=True)
        for name, data in bundles.items():
            digest = sha256(data)
            if not args.print_sha256 and digest != models.BUILT[name]:
                raise BuildError(f"the {name} bundle built here has sha256 {digest}, not the "
                                 f"recorded {models.BUILT[name]}: the build is not reproducible "
                                 "on this machine (please report it).")
            target = args.into / models.built_file_name(name)
            with tempfile.NamedTemporaryFile(dir=args.into, delete=False) as tmp:
                tmp.write(data)
            os.replace(tmp.name, target)
            os.chmod(target, 0o644)
            print(f"{digest}  {target}")
    except BuildError as error:
        print(f"build_pose_models: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
