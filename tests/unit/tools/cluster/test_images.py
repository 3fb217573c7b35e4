"""tools/cluster/images.py: the docker-save style tar that `ctr images import` loads."""

import hashlib
import io
import json
import tarfile

import images


def _members(data):
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return {member.name: (member, archive.extractfile(member).read() if member.isfile() else None) for member in archive.getmembers()}


def test_image_tar_has_manifest_config_and_one_layer_that_match():
    reference, data = images.image_tar("consumer", {"bin/consumer": (b"\x7fELF binary", 0o755)}, ["/bin/consumer"])
    members = _members(data)
    manifest = json.loads(members["manifest.json"][1])
    assert len(manifest) == 1 and manifest[0]["RepoTags"] == [reference]
    config_bytes = members[manifest[0]["Config"]][1]
    assert manifest[0]["Config"] == hashlib.sha256(config_bytes).hexdigest() + ".json"
    assert reference == "secretops.local/consumer:" + manifest[0]["Config"][:12]
    (layer_path,) = manifest[0]["Layers"]
    layer = members[layer_path][1]
    config = json.loads(config_bytes)
    assert config["rootfs"] == {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}
    assert config["config"]["Entrypoint"] == ["/bin/consumer"] and config["os"] == "linux"
    files = _members(layer)
    assert files["bin/consumer"][1] == b"\x7fELF binary" and files["bin/consumer"][0].mode == 0o755
    assert files["bin"][0].isdir() and files["tmp"][0].mode == 0o1777


def test_image_tar_is_deterministic_and_changes_with_content():
    first = images.image_tar("pause", {"bin/pause": (b"one", 0o755)}, ["/bin/pause"])
    assert images.image_tar("pause", {"bin/pause": (b"one", 0o755)}, ["/bin/pause"]) == first
    assert images.image_tar("pause", {"bin/pause": (b"two", 0o755)}, ["/bin/pause"])[0] != first[0]


def test_layer_holds_owner_root_zero_times_and_symlinks():
    files = _members(images.layer_tar({"bin/busybox": (b"bb", 0o755), "bin/sh": "busybox"}))
    link = files["bin/sh"][0]
    assert link.issym() and link.linkname == "busybox"
    assert all(member.uid == 0 and member.gid == 0 and member.mtime == 0 for member, _data in files.values())


def test_binary_image_adds_busybox_applets(tmp_path):
    binary, busybox = tmp_path / "consumer", tmp_path / "busybox"
    binary.write_bytes(b"consumer")
    busybox.write_bytes(b"busybox")
    _reference, data = images.binary_image("consumer", str(binary), str(busybox))
    members = _members(data)
    manifest = json.loads(members["manifest.json"][1])
    layer = _members(members[manifest[0]["Layers"][0]][1])
    assert layer["bin/busybox"][1] == b"busybox"
    assert {name for name, (member, _data) in layer.items() if member.issym()} == {"bin/" + applet for applet in images.BUSYBOX_APPLETS}


LDD_DYNAMIC = """\tlinux-vdso.so.1 (0x00007faee914a000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007faee8f56000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007faee914c000)
"""


def test_parse_ldd_names_the_c_library_and_loader_but_not_the_vdso():
    assert images.parse_ldd(LDD_DYNAMIC) == ["/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"]
    assert images.parse_ldd("\tnot a dynamic executable\n") == []
    assert images.parse_ldd("\tstatically linked\n") == []


def test_binary_image_copies_libraries_at_their_paths(tmp_path):
    binary, library = tmp_path / "kube-apiserver", tmp_path / "libc.so.6"
    binary.write_bytes(b"apiserver")
    library.write_bytes(b"libc")
    _reference, data = images.binary_image("kube-apiserver", str(binary), libraries=[str(library)])
    members = _members(data)
    manifest = json.loads(members["manifest.json"][1])
    layer = _members(members[manifest[0]["Layers"][0]][1])
    assert layer[str(library).lstrip("/")][1] == b"libc" and layer["bin/kube-apiserver"][1] == b"apiserver"
