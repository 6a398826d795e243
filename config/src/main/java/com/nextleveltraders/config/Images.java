package com.nextleveltraders.config;

import java.util.List;
import java.util.Objects;

/** The image variants produced for each uploaded image: {@code assets.images}. */
public record Images(List<ImageFormat> formats, List<ImageSize> sizes, int quality) {
    private static final int MAX_QUALITY = 100;

    public Images {
        formats = List.copyOf(Objects.requireNonNull(formats, "formats"));
        sizes = List.copyOf(Objects.requireNonNull(sizes, "sizes"));
        Ranges.of(Images.class)
                .notEmpty("formats", formats)
                .distinct("formats", formats, Binder::spelling)
                .notEmpty("sizes", sizes)
                .distinct("sizes", sizes, size -> size.width() + "x" + size.height())
                .between("quality", quality, 1, MAX_QUALITY)
                .check();
    }
}
