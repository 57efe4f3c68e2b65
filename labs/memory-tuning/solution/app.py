"""Thumbnails: shrink an uploaded greyscale image to a 32 x 32 preview.

The work is pure Python on one thread: CPU-bound. You do not change this file in this lab; you choose the
memory size in function.yaml, and with it the share of a vCPU that Lambda gives the function.
"""

import hashlib
import random

THUMBNAIL = 32


def render_image(seed, side):
    """A reproducible side x side greyscale image (stands in for the uploaded photo)."""
    rng = random.Random(seed)
    return [[rng.randrange(256) for _ in range(side)] for _ in range(side)]


def shrink(image, size):
    """Average each block of pixels into one (a box filter)."""
    block = len(image) // size
    thumbnail = []
    for row in range(size):
        line = []
        for column in range(size):
            total = 0
            for y in range(row * block, (row + 1) * block):
                total += sum(image[y][column * block:(column + 1) * block])
            line.append(total // (block * block))
        thumbnail.append(line)
    return thumbnail


def handler(event, context):
    image = render_image(event["seed"], event.get("side", 256))
    thumbnail = shrink(image, THUMBNAIL)
    digest = hashlib.sha256(bytes(pixel for line in thumbnail for pixel in line)).hexdigest()
    return {"seed": event["seed"], "thumbnail_sha256": digest, "memory_mb": context.memory_limit_in_mb}
