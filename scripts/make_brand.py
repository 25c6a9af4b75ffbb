"""Draw the integration's brand images (no AWS logo: our own drawing).

A chat bubble with three dots over a rounded square, in two colours.
Run: .venv/bin/python scripts/make_brand.py
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).parents[1] / "custom_components" / "aws_eum_x" / "brand"
BACKGROUND = (35, 47, 62, 255)  # slate
BUBBLE = (255, 153, 0, 255)  # amber
DOTS = (35, 47, 62, 255)


def icon(size: int) -> Image.Image:
    """Return the square icon at ``size`` pixels."""
    scale = 4  # draw large, then downsample for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BACKGROUND)
    left, top, right, bottom = big * 0.16, big * 0.2, big * 0.84, big * 0.7
    draw.rounded_rectangle((left, top, right, bottom), radius=big // 8, fill=BUBBLE)
    draw.polygon(
        [(big * 0.3, bottom - 2), (big * 0.26, big * 0.84), (big * 0.46, bottom - 2)],
        fill=BUBBLE,
    )
    radius = big * 0.055
    for centre in (0.34, 0.5, 0.66):
        x, y = big * centre, (top + bottom) / 2
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=DOTS)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def logo(height: int) -> Image.Image:
    """Return the icon followed by the name, on a transparent background."""
    mark = icon(height)
    font = ImageFont.load_default(size=int(height * 0.36))
    text = "End User Messaging SMS"
    width = int(font.getlength(text)) + height + height // 3
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste(mark, (0, 0), mark)
    ImageDraw.Draw(image).text(
        (height + height // 6, height // 2),
        text,
        font=font,
        fill=BACKGROUND,
        anchor="lm",
    )
    return image


def main() -> None:
    """Write icon.png, icon@2x.png, logo.png and logo@2x.png."""
    OUT.mkdir(parents=True, exist_ok=True)
    icon(256).save(OUT / "icon.png", optimize=True)
    icon(512).save(OUT / "icon@2x.png", optimize=True)
    logo(128).save(OUT / "logo.png", optimize=True)
    logo(256).save(OUT / "logo@2x.png", optimize=True)


if __name__ == "__main__":
    main()
