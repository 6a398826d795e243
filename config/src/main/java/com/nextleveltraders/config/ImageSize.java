package com.nextleveltraders.config;

/** Pixel dimensions of one image variant: an element of {@code assets.images.sizes}. */
public record ImageSize(int width, int height) {
}
