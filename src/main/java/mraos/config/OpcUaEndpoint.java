package mraos.config;

import java.util.List;

/** One MES OPC UA endpoint: where, with what security, as whom, and which machines it reports. */
public record OpcUaEndpoint(String name, String url, String securityMode, String username, String password,
                            List<String> machines) {
  public boolean connected() {
    return !url.isEmpty();
  }

  public boolean signAndEncrypt() {
    return securityMode.equals("SignAndEncrypt");
  }

  @Override
  public String toString() {
    return "OpcUaEndpoint[" + name + ", " + url + ", " + securityMode + (username.isEmpty() ? "" : ", user " + username) + "]";
  }
}
