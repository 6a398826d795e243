package com.nextleveltraders.bench;

import java.io.IOException;

/** One client's way of sending POST /api/orders; used by one thread at a time. */
interface OrderSender extends AutoCloseable {

    /** Sends one order and reads the whole response; returns its HTTP status. */
    int post(String token, byte[] body) throws IOException, InterruptedException;

    @Override
    void close();
}
