package com.nextleveltraders.trading;

public enum Side { BUY, SELL }
