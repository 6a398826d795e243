package com.nextleveltraders.config;

/** Pixel dimensions of one image variant: an element of {@code assets.images.sizes}. */
public record ImageSize(int width, int height) {

    public ImageSize {
        Ranges.of(ImageSize.class)
                .atLeast("width", width, 1)
                .atLeast("height", height, 1)
                .check();
    }
}
