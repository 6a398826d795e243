package com.nextleveltraders.cli.browser;

import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The trader app (index.html, web/src/app) as a user sees it. Every selector the tests use for this page is
 * here, so that a change of the page changes this class only.
 */
public final class TraderPage {

    // LoginForm: field ids are `${mode}-${field}`, mode `login` or `signup`.
    private static final By SIGN_UP_SWITCH = By.xpath("//form//button[@type='button' and contains(., 'Sign up')]");
    private static final By SUBMIT = By.cssSelector("form button[type='submit']");
    private static final By FIELD_ERRORS = By.cssSelector("form .field-error");
    // The header once signed in.
    private static final By SIGNED_IN_AS = By.cssSelector("header .who strong");
    private static final By SIGN_OUT = By.xpath("//header//button[contains(., 'Sign out')]");
    // QuotesBoard.
    private static final By QUOTE_ROWS = By.cssSelector("section[aria-labelledby='quotes-title'] tbody tr");
    private static final By QUOTE_SYMBOL = By.cssSelector("th");
    private static final By PRICE_CHART = By.cssSelector("section[aria-labelledby='quotes-title'] canvas");

    private final Browser browser;
    private final String url;

    private TraderPage(Browser browser, String url) {
        this.browser = browser;
        this.url = url;
    }

    /** Opens the app at {@code origin}/ and waits for its first render (the sign-in form). */
    public static TraderPage open(Browser browser, String origin) {
        TraderPage page = new TraderPage(browser, origin + "/");
        browser.open(page.url);
        browser.waitFor(field("login", "email"));
        return page;
    }

    /** Creates an account through the form; the app signs the new user in. */
    public TraderPage signUp(String email, String displayName, String password) {
        browser.click(SIGN_UP_SWITCH);
        browser.type(field("signup", "email"), email);
        browser.type(field("signup", "displayName"), displayName);
        browser.type(field("signup", "password"), password);
        browser.click(SUBMIT);
        return awaitSignedIn(email);
    }

    /** Logs in through the form. */
    public TraderPage logIn(String email, String password) {
        browser.type(field("login", "email"), email);
        browser.type(field("login", "password"), password);
        browser.click(SUBMIT);
        return awaitSignedIn(email);
    }

    /** Signs out from the header; the sign-in form comes back. */
    public TraderPage signOut() {
        browser.click(SIGN_OUT);
        browser.waitFor(field("login", "email"));
        return this;
    }

    private TraderPage awaitSignedIn(String email) {
        try {
            browser.waitForText(SIGNED_IN_AS, email);
        } catch (RuntimeException e) {
            List<String> errors = browser.driver().findElements(FIELD_ERRORS).stream().map(WebElement::getText).toList();
            throw new AssertionError("not signed in as " + email + "; the form says " + errors, e);
        }
        return this;
    }

    /** The symbols on the quotes board, once it shows at least one quote. */
    public List<String> quotedSymbols() {
        return browser.waitForAtLeast(QUOTE_ROWS, 1).stream()
                .map(row -> row.findElement(QUOTE_SYMBOL).getText().strip())
                .toList();
    }

    /** Waits for the chosen symbol's price chart (uPlot draws it once two quotes have arrived). */
    public TraderPage awaitPriceChart() {
        browser.waitFor(PRICE_CHART);
        return this;
    }

    private static By field(String mode, String name) {
        return By.id(mode + "-" + name);
    }
}
