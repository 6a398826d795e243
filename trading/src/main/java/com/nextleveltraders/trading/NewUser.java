package com.nextleveltraders.trading;

/** A registration as the client sent it; validated by {@link Users#register}. */
public record NewUser(String email, String password, String displayName) {
    @Override
    public String toString() {
        return "NewUser[email=" + email + ", password=***, displayName=" + displayName + "]";
    }
}
