package com.nextleveltraders.config;

import java.util.List;
import java.util.Objects;

/** The image variants produced for each uploaded image: {@code assets.images}. */
public record Images(List<ImageFormat> formats, List<ImageSize> sizes, int quality) {

    public Images {
        formats = List.copyOf(Objects.requireNonNull(formats, "formats"));
        sizes = List.copyOf(Objects.requireNonNull(sizes, "sizes"));
    }
}
