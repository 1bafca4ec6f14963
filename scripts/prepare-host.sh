#!/usr/bin/env bash
# Installs the system packages sbx and its tests use (Debian/Ubuntu, run as root).
# Idempotent: packages already present are left alone.
set -euo pipefail

packages=(
  # build: JDK 17 for Maven, gcc + static libc for the guest agent
  openjdk-17-jdk-headless gcc libc6-dev make
  # runtime: QEMU microvm, virtiofsd (ships inside the QEMU package on Debian 12), disk tools
  qemu-system-x86 qemu-utils busybox-static cpio e2fsprogs
  # tests: git, network namespaces
  git iproute2 curl ca-certificates
  # tests: the secret store calls the real libsecret (Secret Service keyring backend) through JNA
  libsecret-1-0
  # tests: OCI image pulls from a real local registry; skopeo pushes test images, htpasswd -B for Basic auth
  docker-registry skopeo apache2-utils
  # tests: the dashboard runs in a real terminal (tmux); completion scripts are syntax-checked by each shell
  tmux zsh fish
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "sbx: missing packages: ${missing[*]}; run: sudo $0" >&2
    exit 5
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# sbx fetches the guest kernel with `apt-get download` (the Debian cloud kernel package), which
# needs the package lists: fetch them once if this machine has none yet.
if ! apt-cache show linux-image-cloud-amd64 >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "sbx: apt package lists are missing (needed to fetch the guest kernel); run: sudo apt-get update" >&2
    exit 5
  fi
  apt-get update -q
fi
