package com.nextleveltraders.trading;

public enum OrderType { MARKET, LIMIT }
