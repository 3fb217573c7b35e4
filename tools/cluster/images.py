"""Container images for the real node, built here without a registry: a ``docker save``-style tar
(manifest.json, one config JSON, one layer tar) that ``ctr images import`` loads.

Besides the pause and consumer images, the node gets two control-plane images for kubeadm-style static
Pods (tests/integration/test_encryption_at_rest_kubeadm_node.py): ``kube-apiserver`` (the environment's
own binary, built with cgo, so its image also holds the C library and loader ``ldd`` names, at the same
paths) and ``secretops-kms-plugin`` (static: the binary alone).

``image_tar`` is pure (bytes in, bytes out, deterministic: every timestamp and owner is zero), so
the same binaries always give the same image id. Images are tagged ``secretops.local/<name>:<id>``
(the first 12 hex digits of the config's digest), and Pods use them with ``imagePullPolicy: Never``.
"""

import hashlib
import io
import json
import os
import re
import subprocess
import tarfile

REPOSITORY = "secretops.local"
BUSYBOX = "/bin/busybox"  # Debian busybox-static: a shell and cat for `kubectl exec` (it has no printenv applet)
BUSYBOX_APPLETS = ("sh", "cat", "ls", "env", "sleep")


def _add(archive, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = 0
    archive.addfile(info, io.BytesIO(data))


def _add_dir(archive, name, mode=0o755):
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = mode
    info.mtime = 0
    archive.addfile(info)


def _add_symlink(archive, name, target):
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    info.mode = 0o777
    info.mtime = 0
    archive.addfile(info)


def layer_tar(files):
    """One layer: ``files`` maps a path in the image (``bin/consumer``) to ``(bytes, mode)``, or to a
    string: the target of a symbolic link; parent directories and an empty ``tmp`` are added."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        directories = {"tmp"}
        for path in files:
            parts = path.split("/")[:-1]
            directories.update("/".join(parts[:index]) for index in range(1, len(parts) + 1))
        for directory in sorted(directories):
            _add_dir(archive, directory + "/", 0o1777 if directory == "tmp" else 0o755)
        for path in sorted(files):
            if isinstance(files[path], str):
                _add_symlink(archive, path, files[path])
            else:
                data, mode = files[path]
                _add(archive, path, data, mode)
    return buffer.getvalue()


def image_config(layer_digest, entrypoint, env=None):
    """The image's config JSON (as bytes) for one layer whose uncompressed sha256 is ``layer_digest``."""
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {"Entrypoint": list(entrypoint), "Env": list(env or ["PATH=/bin"]), "WorkingDir": "/"},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + layer_digest]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "tools/cluster/images.py"}],
    }
    return json.dumps(config, sort_keys=True, separators=(",", ":")).encode()


def image_tar(name, files, entrypoint):
    """``(reference, tar bytes)`` of a one-layer image in ``docker save`` layout."""
    layer = layer_tar(files)
    layer_digest = hashlib.sha256(layer).hexdigest()
    config = image_config(layer_digest, entrypoint)
    config_digest = hashlib.sha256(config).hexdigest()
    reference = "%s/%s:%s" % (REPOSITORY, name, config_digest[:12])
    manifest = [{"Config": config_digest + ".json", "RepoTags": [reference], "Layers": [layer_digest + "/layer.tar"]}]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        _add(archive, config_digest + ".json", config)
        _add_dir(archive, layer_digest + "/")
        _add(archive, layer_digest + "/layer.tar", layer)
        _add(archive, "manifest.json", json.dumps(manifest, separators=(",", ":")).encode())
    return reference, buffer.getvalue()


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


def parse_ldd(text):
    """The absolute paths of the shared objects (loader included) in ``ldd``'s output; none for a
    static binary (``not a dynamic executable``, ``statically linked``) or the kernel's vDSO."""
    found = []
    for line in text.splitlines():
        match = re.match(r"^\s*(?:\S+\s+=>\s+)?(/\S+)\s+\(0x[0-9a-f]+\)\s*$", line)
        if match and match.group(1) not in found:
            found.append(match.group(1))
    return found


def shared_libraries(binary_path):
    """What ``binary_path`` loads at run time (``parse_ldd`` of ``ldd``): empty for a static binary."""
    done = subprocess.run(["ldd", binary_path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    return parse_ldd(done.stdout)


def binary_image(name, binary_path, busybox=None, libraries=()):
    """The image of one binary at ``/bin/<name>``, its entrypoint; with ``busybox`` (a path) also a
    busybox and its BUSYBOX_APPLETS; ``libraries`` (absolute paths, ``shared_libraries``) are copied
    in at the same paths, so a binary built with cgo finds its C library and loader."""
    files = {"bin/" + name: (_read(binary_path), 0o755)}
    if busybox:
        files["bin/busybox"] = (_read(busybox), 0o755)
        files.update(("bin/" + applet, "busybox") for applet in BUSYBOX_APPLETS)
    for library in libraries:
        files[library.lstrip("/")] = (_read(os.path.realpath(library)), 0o755)
    return image_tar(name, files, ["/bin/" + name])


def write_image(target_dir, name, binary_path, busybox=None, libraries=()):
    """Write one ``binary_image`` as ``<target_dir>/<name>.tar``; returns ``(reference, path)``."""
    reference, data = binary_image(name, binary_path, busybox, libraries)
    path = os.path.join(target_dir, name + ".tar")
    with open(path, "wb") as handle:
        handle.write(data)
    return reference, path


def write_images(consumer_bin_dir, target_dir, control_plane=None):
    """Write the pause and consumer images' tars into ``target_dir``, and one image per entry of
    ``control_plane`` (``{name: binary path}``, with the shared libraries each needs); returns
    ``{name: (reference, path)}``."""
    made = {}
    for name in ("pause", "consumer"):
        busybox = BUSYBOX if name == "consumer" and os.path.exists(BUSYBOX) else None
        made[name] = write_image(target_dir, name, os.path.join(consumer_bin_dir, name), busybox)
    for name, binary_path in sorted((control_plane or {}).items()):
        made[name] = write_image(target_dir, name, binary_path, libraries=shared_libraries(binary_path))
    return made
