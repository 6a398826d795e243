package com.nextleveltraders.trading;

public enum OrderStatus { OPEN, FILLED, CANCELLED }
